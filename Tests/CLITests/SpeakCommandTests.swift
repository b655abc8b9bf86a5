import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

@Suite("llmkit speak and voices")
struct SpeakCommandTests {
    /// Opaque audio bytes (LLMKit never looks inside them), every byte value included.
    static let audio: [UInt8] = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 256) }

    @Test("speak streams exactly the served bytes to -o, with the ElevenLabs request; --json summarises")
    func speak() async throws {
        let dir = try TempDir()
        let path = dir.url.appendingPathComponent("out.pcm").path
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "audio/pcm"), ("request-id", "req-cli-1"), ("character-cost", "5")],
                body: Self.audio, delivery: .randomSplits(seed: 17))
        ]) { server in
            let env = CLI.environment(["ELEVENLABS_API_KEY": CLI.secret])
            let r = try await CLI.run(
                [
                    "speak", "Hello", "--model", "elevenlabs/eleven_multilingual_v2", "--voice", "21m00Tcm4TlvDq8ikWAM",
                    "--format", "pcm_16000", "--stability", "0.5", "-o", path, "--base-url", server.baseURL, "--json",
                ], environment: env)
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let written = try #require(FileManager.default.contents(atPath: path))
            #expect([UInt8](written) == Self.audio)
            let out = try r.json()
            #expect(out["file"] == .string(path))
            #expect(out["bytes"]?.intValue == Self.audio.count)
            #expect(out["requestID"] == "req-cli-1")
            #expect(out["characters"]?.intValue == 5)
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream?output_format=pcm_16000")
            #expect(req.header("xi-api-key") == CLI.secret)
            #expect(req.json?["text"] == "Hello")
            #expect(req.json?["voice_settings"]?["stability"]?.doubleValue == 0.5)
            #expect(!r.stdout.contains(CLI.secret) && !r.stderr.contains(CLI.secret))
        }
    }

    @Test("speak --timestamps writes the decoded audio and prints the alignment")
    func timestamps() async throws {
        let dir = try TempDir()
        let path = dir.url.appendingPathComponent("out.mp3").path
        let fixture = try Fixture.json("voice/tts-elevenlabs/with-timestamps.json")
        let body = fixture.setting("audio_base64", .string(Base64.encode(Self.audio)))
        try await LoopbackServer.with([
            CannedResponse(headers: [("content-type", "application/json")], body: Array(JSONWriter.string(body).utf8))
        ]) { server in
            let r = try await CLI.run(
                [
                    "speak", "Hello", "--model", "elevenlabs/eleven_multilingual_v2", "--voice", "v", "--timestamps",
                    "-o", path, "--base-url", server.baseURL,
                ], environment: CLI.environment(["ELEVENLABS_API_KEY": CLI.secret]))
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect([UInt8](try #require(FileManager.default.contents(atPath: path))) == Self.audio)
            let out = try r.json()
            let chars = try #require(out["alignment"]?.arrayValue)
            #expect(chars.compactMap { $0["character"]?.stringValue }.joined() == "Hello")
            #expect(chars.last?["end"]?.doubleValue == 0.5)
            #expect(out["normalizedAlignment"]?.arrayValue?.count == 5)
            #expect(server.requests.first?.uri == "/v1/text-to-speech/v/with-timestamps?output_format=mp3_44100_128")
        }
    }

    @Test("a failing speak prints the error as JSON, exits 1 and leaves no file")
    func failure() async throws {
        let dir = try TempDir()
        let path = dir.url.appendingPathComponent("out.mp3").path
        try await LoopbackServer.with([
            try Fixture.response("voice/tts-elevenlabs/error-400-max-character-limit.json", status: 400)
        ]) { server in
            let r = try await CLI.run(
                [
                    "speak", "Hello", "--model", "elevenlabs/eleven_multilingual_v2", "--voice", "v", "-o", path,
                    "--base-url", server.baseURL,
                ], environment: CLI.environment(["ELEVENLABS_API_KEY": CLI.secret]))
            #expect(r.status == 1)
            let e = try r.error()
            #expect(e["kind"] == "invalidRequest")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("speak reads the text from stdin when TEXT is missing; gemini models give a WAV file and usage")
    func geminiFromStdin() async throws {
        let dir = try TempDir()
        let path = dir.url.appendingPathComponent("out.wav").path
        // The recorded Gemini generateContent answer (media/google) with its image part replaced by PCM audio.
        let recorded = try Fixture.json("media/google/gemini-image-with-text-generateContent.json")
        let pcm = Array(Self.audio.prefix(4800))
        let body = Self.replacingInline(recorded, mime: "audio/L16;codec=pcm;rate=24000", data: Base64.encode(pcm))
        let event = Array("data: \(JSONWriter.string(body))\n\n".utf8)
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "text/event-stream")], body: event, delivery: .randomSplits(seed: 5))
        ]) { server in
            let r = try await CLI.run(
                [
                    "speak", "--model", "gemini/gemini-2.5-flash-preview-tts", "--voice", "Kore", "--format", "wav",
                    "-o", path, "--base-url", server.baseURL, "--json",
                ], environment: CLI.environment(["GEMINI_API_KEY": CLI.secret]), stdin: "Hello from a pipe.\n")
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let written = [UInt8](try #require(FileManager.default.contents(atPath: path)))
            #expect(written == WAVAudio(sampleRate: 24000, pcm16: pcm).fileBytes)
            let out = try r.json()
            #expect(out["mimeType"] == "audio/wav")
            #expect(out["usage"]?["inputTokens"]?.intValue == 14)
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1beta/models/gemini-2.5-flash-preview-tts:streamGenerateContent?alt=sse")
            #expect(req.header("x-goog-api-key") == CLI.secret)
            #expect(req.json?["contents"]?.arrayValue?[0]["parts"] == [["text": "Hello from a pipe.\n"]])
            #expect(!r.stdout.contains(CLI.secret) && !r.stderr.contains(CLI.secret))
            let empty = try await CLI.run(
                ["speak", "--model", "gemini/gemini-2.5-flash-preview-tts", "--voice", "Kore", "-o", path],
                environment: CLI.environment(["GEMINI_API_KEY": CLI.secret]), stdin: "  \n")
            #expect(empty.status != 0)
            #expect(empty.stderr.contains("no text to speak"))
        }
    }

    static func replacingInline(_ value: JSONValue, mime: String, data: String) -> JSONValue {
        switch value {
        case .object(let pairs):
            return .object(
                pairs.map {
                    $0.key == "inlineData"
                        ? ($0.key, ["mimeType": .string(mime), "data": .string(data)])
                        : ($0.key, replacingInline($0.value, mime: mime, data: data))
                })
        case .array(let items): return .array(items.map { replacingInline($0, mime: mime, data: data) })
        default: return value
        }
    }

    @Test("voices lists ElevenLabs voices; --json keeps every field")
    func voices() async throws {
        try await LoopbackServer.with([
            try Fixture.response("voice/tts-elevenlabs/voices.json"),
            try Fixture.response("voice/tts-elevenlabs/voices.json"),
        ]) { server in
            let env = CLI.environment(["ELEVENLABS_API_KEY": CLI.secret])
            let plain = try await CLI.run(["voices", "--base-url", server.baseURL], environment: env)
            #expect(plain.status == 0, "stderr: \(plain.stderr)")
            #expect(plain.stdout.hasPrefix("21m00Tcm4TlvDq8ikWAM  Rachel  (professional)"))
            let json = try await CLI.run(["voices", "--base-url", server.baseURL, "--json"], environment: env)
            let list = try #require(try json.json().arrayValue)
            #expect(list.first?["id"] == "21m00Tcm4TlvDq8ikWAM")
            #expect(list.first?["labels"]?["gender"] == "female")
            #expect(server.requests.map(\.uri) == ["/v1/voices", "/v1/voices"])
        }
    }
}
