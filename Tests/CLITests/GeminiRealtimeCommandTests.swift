import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// `llmkit realtime` with a Gemini Live model, against the recorded Gemini session
/// (Fixtures/voice/realtime/gemini-live-text-in-audio-out.session.jsonl).
@Suite("llmkit realtime with Gemini Live")
struct GeminiRealtimeCommandTests {
    @Test func aTypedTurnWritesTheAnswerAsA24kHzWAV() async throws {
        let (steps, recorded) = try VoiceSessionCommandTests.script("gemini-live-text-in-audio-out")
        let audio = recorded.compactMap { $0["serverContent"]?["modelTurn"]?["parts"] }.flatMap { parts -> [UInt8] in
            guard case .array(let ps) = parts else { return [] }
            return ps.compactMap { $0["inlineData"]?["data"]?.stringValue }.flatMap { Base64.decode($0)! }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("answer.wav").path
        try await LoopbackWebSocketServer.with(steps) { server in
            let base = server.baseURL.replacingOccurrences(of: "ws://", with: "http://")
            let r = try await CLI.run(
                [
                    "realtime", "--model", "gemini/gemini-2.5-flash-native-audio-preview-09-2025", "--base-url", base,
                    "--instructions", "Answer in two or three words.", "--text", "Say a short greeting.", "--out", out,
                ],
                environment: CLI.environment(["GEMINI_API_KEY": CLI.secret]))
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(r.stdout == "Hello there.\n")
            let wav = try WAVAudio(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: out))))
            #expect(wav.sampleRate == 24_000 && wav.channels == 1)
            #expect(!audio.isEmpty && wav.pcm16 == audio)
            await server.waitUntilClosed()
            let sent = server.receivedJSON
            #expect(sent.count == 2)
            #expect(sent.first?["setup"]?["model"] == "models/gemini-2.5-flash-native-audio-preview-09-2025")
            #expect(sent.first?["setup"]?["generationConfig"] == ["responseModalities": ["AUDIO"]])
            #expect(sent.last == (try recordedClient(1)))
            #expect(server.header("x-goog-api-key") == CLI.secret)
            #expect(!r.stdout.contains(CLI.secret) && !r.stderr.contains(CLI.secret))
        }
    }

    /// The client message the recording has at this index.
    func recordedClient(_ i: Int) throws -> JSONValue {
        let text = String(
            decoding: try Fixture.bytes("voice/realtime/gemini-live-text-in-audio-out.client.jsonl"), as: UTF8.self)
        return try JSONValue(parsing: Array(text.split(separator: "\n")[i].utf8))
    }
}
