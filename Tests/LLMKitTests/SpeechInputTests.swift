import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// ElevenLabs `stream-input` over the loopback WebSocket server, fed by a replayed OpenAI chat stream
/// (the LLM-to-speech pipe). Server frames: the AudioOutput example of ElevenLabs' AsyncAPI spec
/// (Fixtures/voice/elevenlabs/SOURCE.md).
@Suite("Streamed-input speech (ElevenLabs WebSocket)")
struct SpeechInputTests {
    static func reference() -> (open: JSONValue, audioOutput: String) {
        let text = String(
            decoding: Fixture.bytes("voice/elevenlabs/ws-stream-input.reference-session.jsonl"), as: UTF8.self)
        var open: JSONValue = .null
        var out = ""
        for line in text.split(separator: "\n") {
            let e = try! JSONValue(parsing: Array(line.utf8))
            if e["messageId"] == "InitializeConnection" { open = e["frame"]! }
            if e["messageId"] == "AudioOutput" { out = String(decoding: JSONWriter.bytes(e["frame"]!), as: UTF8.self) }
        }
        return (open, out)
    }

    @Test(arguments: [UInt64(0), 31])
    func anLLMStreamPipedIntoSpeech(seed: UInt64) async throws {
        let (open, audioOutput) = Self.reference()
        try await LoopbackServer.with([Fixture.response("openai-chat", "text-stream", ext: "sse")]) { chat in
            // The server answers once the opening message is in, then waits for the client's close.
            let server = try await LoopbackWebSocketServer.start(
                [.expect(1)] + [.send(.text(audioOutput)), .expectClose],
                delivery: seed == 0 ? .whole : .randomSplits(seed: seed))
            defer { Task { try? await server.shutdown() } }
            let llm = LLMKit(
                providers: [
                    "openai": ProviderSettings(apiKey: "sk", baseURL: chat.baseURL + "/v1"),
                    "elevenlabs": ProviderSettings(
                        apiKey: "xi-key", baseURL: server.baseURL.replacingOccurrences(of: "ws://", with: "http://")),
                ], environment: [:])
            let speech = try await llm.speechInput(
                SpeechInputOptions(
                    model: "elevenlabs/eleven_flash_v2_5", voice: "21m00Tcm4TlvDq8ikWAM",
                    format: .pcm16(sampleRate: 16000),
                    voiceSettings: VoiceSettings(stability: 0.5, similarityBoost: 0.8, speed: 1.0), pingInterval: nil))
            var said = ""
            for try await event in llm.stream(ChatRequest(model: "openai/gpt-4o-mini", messages: [.user("hi")])) {
                if let t = event.text {
                    said += t
                    try await speech.send(t)
                }
            }
            try await speech.finish()
            var chunks: [SpeechInputChunk] = []
            for try await c in speech.chunks {
                chunks.append(c)
                await speech.close()
            }
            await server.waitUntilClosed()  // the server may still be reading what the client sent
            #expect(
                server.requestURI
                    == "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream-input?model_id=eleven_flash_v2_5&output_format=pcm_16000"
            )
            #expect(server.header("xi-api-key") == "xi-key")
            let sent = server.receivedJSON
            // The opening message is the reference's, less the key (sent as a header instead).
            #expect(sent.first == open.objectValue.map { .object($0.filter { $0.key != "xi_api_key" }) })
            #expect(sent.last == ["text": ""])
            let pieces = sent.dropFirst().dropLast().map { $0["text"]!.stringValue! }
            #expect(pieces.allSatisfy { $0.hasSuffix(" ") })
            #expect(sent.dropFirst().dropLast().allSatisfy { $0["try_trigger_generation"] == true })
            func words(_ s: String) -> [Substring] { s.split(whereSeparator: { $0 == " " || $0 == "\n" }) }
            #expect(!said.isEmpty && words(pieces.joined()) == words(said), "seed \(seed)")
            try #require(chunks.count == 1)
            #expect(chunks[0].audio == Array("curious minds think alike :)".utf8))
            #expect(!chunks[0].isFinal)
            let a = try #require(chunks[0].alignment)
            #expect(a.text == "Hello world")
            #expect(a.characters.first == .init(character: "H", start: 0, end: 0.003))
            #expect(a.characters.last == .init(character: "d", start: 0.021, end: 0.024))
            #expect(chunks[0].normalizedAlignment == a)
        }
    }

    @Test func theChunkerSendsWholeWords() async throws {
        let t = SpeechTextChunker()
        #expect(t.add("Hel") == [])
        #expect(t.add("lo") == [])
        #expect(t.add(" wor") == ["Hello  "])
        #expect(t.add("ld.") == [])
        #expect(t.add(" Bye") == ["world. "])
        #expect(t.drain() == " Bye ")
    }

    @Test func onlyElevenLabsTakesStreamedText() async throws {
        let llm = LLMKit(providers: ["openai": ProviderSettings(apiKey: "k")], environment: [:])
        let e = try #require(
            await llmError { _ = try await llm.speechInput(.init(model: "openai/gpt-4o-mini-tts", voice: "alloy")) })
        #expect(e.kind == .unsupported)
    }
}
