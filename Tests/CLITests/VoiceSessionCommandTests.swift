import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// `llmkit realtime` and `llmkit transcribe --live` against the loopback WebSocket server.
@Suite("llmkit realtime and transcribe --live")
struct VoiceSessionCommandTests {
    /// The recorded OpenAI session as a server script (see Fixtures/voice/realtime/SOURCE.md).
    static func script(_ name: String) throws -> (steps: [LoopbackWebSocketServer.Step], server: [JSONValue]) {
        var steps: [LoopbackWebSocketServer.Step] = []
        var server: [JSONValue] = []
        let text = String(decoding: try Fixture.bytes("voice/realtime/\(name).session.jsonl"), as: UTF8.self)
        for line in text.split(separator: "\n") {
            let entry = try JSONValue(parsing: Array(line.utf8))
            guard let data = entry["data"] else { continue }
            if entry["dir"] == "in" {
                server.append(data)
                steps.append(.send(.text(String(decoding: JSONWriter.bytes(data), as: UTF8.self))))
            } else {
                steps.append(.expect(1))
            }
        }
        return (steps, server)
    }

    static func recordedAudio(_ server: [JSONValue]) -> [UInt8] {
        server.filter { $0["type"] == "response.output_audio.delta" }.flatMap {
            Base64.decode($0["delta"]!.stringValue!)!
        }
    }

    @Test func aTypedTurnPrintsTheTranscriptAndWritesTheAnswerAsWAV() async throws {
        let (steps, recorded) = try Self.script("openai-text-in-audio-out")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("answer.wav").path
        try await LoopbackWebSocketServer.with(steps) { server in
            let base = server.baseURL.replacingOccurrences(of: "ws://", with: "http://") + "/v1"
            let r = try await CLI.run(
                ["realtime", "--base-url", base, "--text", "Say a short greeting.", "--out", out],
                environment: CLI.environment(["OPENAI_API_KEY": CLI.secret]))
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(r.stdout == "Hi there!\n")
            #expect(r.stderr.contains("wrote \(out)"))
            let wav = try WAVAudio(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: out))))
            #expect(wav.sampleRate == 24_000 && wav.channels == 1)
            #expect(wav.pcm16 == Self.recordedAudio(recorded))
            await server.waitUntilClosed()  // the server may still be reading what the CLI sent before it exited
            let sent = server.receivedJSON
            #expect(
                sent.map { $0["type"]?.stringValue ?? "" } == [
                    "session.update", "conversation.item.create", "response.create",
                ])
            #expect(sent.first?["session"]?["audio"]?["input"]?["turn_detection"]?["type"] == "server_vad")
            #expect(server.header("authorization") == "Bearer \(CLI.secret)")
            #expect(!r.stdout.contains(CLI.secret) && !r.stderr.contains(CLI.secret))
        }
    }

    @Test func aWAVTurnIsResampledSentInChunksAndCommitted() async throws {
        let (steps, _) = try Self.script("openai-text-in-audio-out")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // 0.5 s of a 16 kHz stereo ramp: resampled to 24 kHz mono = 12,000 samples = 24,000 bytes = 5 chunks.
        var pcm: [UInt8] = []
        for i in 0..<8_000 {
            let s = UInt16(bitPattern: Int16(i % 2000 - 1000))
            pcm += [UInt8(s & 0xff), UInt8(s >> 8), UInt8(s & 0xff), UInt8(s >> 8)]
        }
        let input = dir.appendingPathComponent("q.wav").path
        try Data(WAVAudio(sampleRate: 16_000, channels: 2, pcm16: pcm).fileBytes).write(to: URL(fileURLWithPath: input))
        try await LoopbackWebSocketServer.with(steps) { server in
            let base = server.baseURL.replacingOccurrences(of: "ws://", with: "http://") + "/v1"
            let r = try await CLI.run(
                ["realtime", "--base-url", base, "--in", input, "--json"],
                environment: CLI.environment(["OPENAI_API_KEY": CLI.secret]))
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let lines = try r.stdout.split(separator: "\n").map { try JSONValue(parsing: Array($0.utf8)) }
            #expect(lines.first?["type"] == "sessionCreated")
            #expect(lines.last?["type"] == "responseDone")
            #expect(lines.last?["outputTokens"] == 24)
            await server.waitUntilClosed()  // the server may still be reading what the CLI sent before it exited
            let sent = server.receivedJSON
            let types = sent.map { $0["type"]?.stringValue ?? "" }
            #expect(
                types == ["session.update"] + Array(repeating: "input_audio_buffer.append", count: 5) + [
                    "input_audio_buffer.commit", "response.create",
                ])
            #expect(sent.first?["session"]?["audio"]?["input"]?["turn_detection"] == .null)
            let audio = sent.filter { $0["type"] == "input_audio_buffer.append" }.flatMap {
                Base64.decode($0["audio"]!.stringValue!)!
            }
            #expect(audio == WAVAudio(sampleRate: 16_000, channels: 2, pcm16: pcm).mono(at: 24_000).pcm16)
            #expect(audio.count == 24_000)
        }
    }

    @Test func liveTranscriptionStreamsAFileAndPrintsFinalResults() async throws {
        let frames = try ["live-results-final", "live-results-final-2", "live-results-empty"].map {
            LoopbackWebSocketServer.Step.send(
                .text(String(decoding: try Fixture.bytes("voice/deepgram/\($0).json"), as: UTF8.self)))
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let audio = (0..<20_000).map { UInt8($0 % 251) }
        let file = dir.appendingPathComponent("call.ulaw").path
        try Data(audio).write(to: URL(fileURLWithPath: file))
        // 20,000 bytes in 8 KB reads: 3 audio messages, then CloseStream.
        try await LoopbackWebSocketServer.with([.expect(4)] + frames + [.close(code: 1000, reason: "")]) { server in
            let r = try await CLI.run(
                [
                    "transcribe", "--live", "--encoding", "mulaw", "--sample-rate", "8000", "--base-url",
                    server.baseURL.replacingOccurrences(of: "ws://", with: "http://"), file,
                ], environment: CLI.environment(["DEEPGRAM_API_KEY": CLI.secret]))
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(r.stdout == "Testing. 123. Testing. 123.\nFor the United States of America.\n")
            #expect(
                server.requestURI
                    == "/v1/listen?model=nova-3&encoding=mulaw&sample_rate=8000&interim_results=true&smart_format=true")
            #expect(server.header("authorization") == "Token \(CLI.secret)")
            await server.waitUntilClosed()
            let received = server.received
            let sentAudio = received.dropLast().flatMap { m -> [UInt8] in if case .binary(let b) = m { b } else { [] } }
            #expect(sentAudio == audio)
            #expect(received.last == .text(#"{"type":"CloseStream"}"#))
        }
    }
}
