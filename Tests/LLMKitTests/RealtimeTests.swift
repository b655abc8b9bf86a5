import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Realtime voice sessions replayed from pydantic-ai's recordings of the live OpenAI and xAI APIs
/// (Fixtures/voice/realtime/*.session.jsonl, in the order the client saw them). The loopback server
/// sends each recorded server message once the client has sent the messages recorded before it;
/// the test asserts every client message against the recording and the decoded events completely.
@Suite("Realtime voice sessions")
struct RealtimeTests {
    struct Recording {
        var script: [LoopbackWebSocketServer.Step] = []
        var serverEvents: [JSONValue] = []
        var clientEvents: [JSONValue] = []
    }

    /// The session as a server script. `binary` sends the server's JSON in binary frames; the socket is
    /// dropped after `stopAfterAudioDeltas` server messages for which `isAudio` holds (OpenAI's
    /// `response.output_audio.delta` by default).
    static func recording(
        _ name: String, stopAfterAudioDeltas: Int? = nil, binary: Bool = false,
        isAudio: (JSONValue) -> Bool = { $0["type"]?.stringValue == "response.output_audio.delta" }
    ) -> Recording {
        var r = Recording()
        var audio = 0
        let text = String(decoding: Fixture.bytes("voice/realtime/\(name).session.jsonl"), as: UTF8.self)
        for line in text.split(separator: "\n") {
            let entry = try! JSONValue(parsing: Array(line.utf8))
            guard let data = entry["data"] else { continue }
            switch entry["dir"]?.stringValue {
            case "in":
                r.serverEvents.append(data)
                let bytes = JSONWriter.bytes(data)
                r.script.append(.send(binary ? .binary(bytes) : .text(String(decoding: bytes, as: UTF8.self))))
                if isAudio(data) { audio += 1 }
                if let stop = stopAfterAudioDeltas, audio == stop {
                    r.script.append(.drop)
                    return r
                }
            case "out":
                r.clientEvents.append(data)
                r.script.append(.expect(1))
            default: break
            }
        }
        return r
    }

    /// The tool of the recorded tool-call sessions.
    static let weatherTool = ToolDefinition(
        name: "get_weather", description: "Look up the weather for a city.",
        parameters: [
            "additionalProperties": false, "properties": ["city": ["type": "string"]], "required": ["city"],
            "type": "object",
        ])

    /// Answers the recorded tool call with the recorded output.
    static func answerWeather(_ session: RealtimeSession, _ call: RealtimeToolCall) async throws {
        try await session.sendToolResult(callID: call.callID, output: "It is foggy and 12 degrees in London.")
    }

    static func llm(_ server: LoopbackWebSocketServer, provider: String) -> LLMKit {
        let base = server.baseURL.replacingOccurrences(of: "ws://", with: "http://") + "/v1"
        return LLMKit(providers: [provider: ProviderSettings(apiKey: "sk-test", baseURL: base)], environment: [:])
    }

    /// What a session yielded, folded.
    struct Outcome {
        var events: [RealtimeEvent] = []
        var audio: [UInt8] = []
        var transcript = ""
        var text = ""
        var inputTranscriptDeltas = ""
        var toolCalls: [RealtimeToolCall] = []
        var done: [(String, RealtimeUsage?)] = []
    }

    /// Runs a session: `start` after opening, `onToolCall` answers calls; ends after `responses` responses.
    static func run(
        _ name: String, provider: String, config: RealtimeConfig, responses: Int, seed: UInt64,
        start: (RealtimeSession) async throws -> Void,
        onToolCall: ((RealtimeSession, RealtimeToolCall) async throws -> Void)? = nil
    ) async throws -> (Outcome, Recording, [JSONValue]) {
        let rec = recording(name)
        let delivery: CannedResponse.Delivery = seed == 0 ? .whole : .randomSplits(seed: seed)
        return try await LoopbackWebSocketServer.with(rec.script, delivery: delivery) { server in
            // No keep-alive pings: under a loaded parallel test run a split replay can outlast the interval.
            var config = config
            config.pingInterval = nil
            let session = try await llm(server, provider: provider).realtime(config)
            try await start(session)
            var out = Outcome()
            for try await e in session.events {
                out.events.append(e)
                switch e {
                case .audioDelta(_, let a): out.audio += a
                case .audioTranscriptDelta(_, let t): out.transcript += t
                case .textDelta(_, let t): out.text += t
                case .inputTranscriptDelta(_, let t): out.inputTranscriptDeltas += t
                case .toolCall(let call):
                    out.toolCalls.append(call)
                    try await onToolCall?(session, call)
                case .responseDone(let id, _, let usage):
                    out.done.append((id, usage))
                default: break
                }
                if out.done.count == responses { break }
            }
            await session.close()
            await server.waitUntilClosed()
            #expect(server.requestURI == "/v1/realtime?model=\(session.model)")
            #expect(server.header("authorization") == "Bearer sk-test")
            #expect(server.clientCloseCode == 1000)
            return (out, rec, server.receivedJSON)
        }
    }

    /// Audio the recording's server sent, decoded independently of the code under test.
    static func recordedAudio(_ rec: Recording) -> [UInt8] {
        rec.serverEvents.filter { $0["type"]?.stringValue == "response.output_audio.delta" }
            .flatMap { Base64.decode($0["delta"]!.stringValue!)! }
    }

    static func recorded(_ rec: Recording, _ type: String, _ field: String) -> [String] {
        rec.serverEvents.filter { $0["type"]?.stringValue == type }.compactMap { $0[field]?.stringValue }
    }

    @Test(arguments: [UInt64(0), 11])
    func openAITextInAudioOut(seed: UInt64) async throws {
        let config = RealtimeConfig(
            model: "openai/gpt-realtime", instructions: "Answer in two or three words.",
            inputTranscriptionModel: "gpt-realtime-whisper")
        let (out, rec, sent) = try await Self.run(
            "openai-text-in-audio-out", provider: "openai", config: config, responses: 1, seed: seed,
            start: { try await $0.sendText("Say a short greeting.") })
        #expect(sent == rec.clientEvents, "seed \(seed)")
        #expect(out.events.first == .sessionCreated(id: rec.serverEvents[0]["session"]!["id"]!.stringValue!))
        #expect(rec.serverEvents[0]["type"] == "session.created")
        #expect(out.events.contains(.sessionUpdated))
        #expect(out.transcript == "Hi there!")
        #expect(out.transcript == Self.recorded(rec, "response.output_audio_transcript.done", "transcript").first)
        #expect(!out.audio.isEmpty && out.audio == Self.recordedAudio(rec))
        #expect(out.done.map(\.0) == ["resp_E6U0utdfn8rQdwHYPNrmv"])
        #expect(
            out.done.first?.1
                == RealtimeUsage(
                    inputTokens: 16, outputTokens: 24, inputAudioTokens: 0, inputTextTokens: 16, outputAudioTokens: 15,
                    outputTextTokens: 9, cachedTokens: 0))
    }

    @Test(arguments: [UInt64(0), 12])
    func openAIToolCallRound(seed: UInt64) async throws {
        let config = RealtimeConfig(
            model: "openai/gpt-realtime",
            instructions: "Use the get_weather tool for any weather question, then answer in one short sentence.",
            tools: [Self.weatherTool], outputModalities: [.text], inputTranscriptionModel: "gpt-realtime-whisper")
        let (out, rec, sent) = try await Self.run(
            "openai-tool-call-round", provider: "openai", config: config, responses: 2, seed: seed,
            start: { try await $0.sendText("What is the weather in London?") },
            onToolCall: Self.answerWeather)
        #expect(sent == rec.clientEvents, "seed \(seed)")
        #expect(out.toolCalls.count == 1)
        let call = try #require(out.toolCalls.first)
        #expect(call.callID == "call_uMNE0Myi2tDTPu0w")
        #expect(call.name == "get_weather")
        #expect(try JSONValue(parsing: Array(call.arguments.utf8)) == ["city": "London"])
        #expect(call.responseID == "resp_E6U11oof93olA0JOwdA0H")
        #expect(out.text == Self.recorded(rec, "response.output_text.done", "text").first)
        #expect(out.text.contains("London"))
        #expect(out.done.allSatisfy { $0.1 != nil })
    }

    @Test(arguments: [UInt64(0), 13])
    func openAIAudioInWithServerVAD(seed: UInt64) async throws {
        let rec = Self.recording("openai-audio-in-server-vad")
        let chunks = rec.clientEvents.filter { $0["type"]?.stringValue == "input_audio_buffer.append" }
            .map { Base64.decode($0["audio"]!.stringValue!)! }
        let config = RealtimeConfig(
            model: "openai/gpt-realtime", instructions: "Reply in a few words.",
            inputTranscriptionModel: "gpt-realtime-whisper")
        let (out, _, sent) = try await Self.run(
            "openai-audio-in-server-vad", provider: "openai", config: config, responses: 1, seed: seed,
            start: { session in for c in chunks { try await session.appendAudio(c) } })
        #expect(sent == rec.clientEvents, "seed \(seed)")
        #expect(chunks.count > 10)
        let item = "item_E6U0xpLmn5e80rVGpEeKv"
        #expect(out.events.contains(.speechStarted(itemID: item, audioStartMs: 1460)))
        #expect(out.events.contains(.speechStopped(itemID: item, audioEndMs: 4256)))
        #expect(out.events.contains(.inputCommitted(itemID: item)))
        #expect(out.events.contains(.inputTranscriptCompleted(itemID: item, text: "Hello, my name is Marcelo.")))
        #expect(
            out.inputTranscriptDeltas
                == Self.recorded(rec, "conversation.item.input_audio_transcription.delta", "delta").joined())
        #expect(out.audio == Self.recordedAudio(rec))
        #expect(out.transcript == Self.recorded(rec, "response.output_audio_transcript.done", "transcript").first)
        #expect(out.done.first?.1?.inputAudioTokens == 27)
    }

    @Test(arguments: [UInt64(0), 14])
    func xaiTextInAudioOut(seed: UInt64) async throws {
        let config = RealtimeConfig(
            model: "xai/grok-voice-latest", instructions: "Answer in two or three words.",
            inputTranscriptionModel: "grok-transcribe")
        let (out, rec, sent) = try await Self.run(
            "xai-text-in-audio-out", provider: "xai", config: config, responses: 1, seed: seed,
            start: { try await $0.sendText("Say a short greeting.") })
        #expect(sent == rec.clientEvents, "seed \(seed)")
        #expect(out.transcript == "Hello there!")
        #expect(out.audio == Self.recordedAudio(rec) && !out.audio.isEmpty)
        // xAI reports usage at the event's top level; response.usage is {}.
        #expect(
            out.done.first?.1
                == RealtimeUsage(
                    inputTokens: 5, outputTokens: 42, inputAudioTokens: 0, inputTextTokens: 5, outputAudioTokens: 39,
                    outputTextTokens: 3, billableAudioSeconds: 1))
    }

    @Test(arguments: [UInt64(0), 15])
    func xaiToolCallRoundWithSpokenPreamble(seed: UInt64) async throws {
        let config = RealtimeConfig(
            model: "xai/grok-voice-latest",
            instructions: "Use the get_weather tool for any weather question, then answer in one short sentence.",
            tools: [Self.weatherTool], inputTranscriptionModel: "grok-transcribe")
        let (out, rec, sent) = try await Self.run(
            "xai-tool-call-round", provider: "xai", config: config, responses: 2, seed: seed,
            start: { try await $0.sendText("What is the weather in London?") },
            onToolCall: Self.answerWeather)
        #expect(sent == rec.clientEvents, "seed \(seed)")
        #expect(out.toolCalls.map(\.callID) == ["call-af8ed632-2074-4b5f-b719-7aa47250d3c6-0"])
        #expect(try JSONValue(parsing: Array(out.toolCalls[0].arguments.utf8)) == ["city": "London"])
        #expect(out.transcript == Self.recorded(rec, "response.output_audio_transcript.done", "transcript").joined())
        #expect(out.audio == Self.recordedAudio(rec))
        #expect(out.done.count == 2 && out.done.allSatisfy { $0.1 != nil })
    }

    @Test func xaiInputTranscriptSnapshotsBecomeDeltas() async throws {
        let rec = Self.recording("xai-audio-in-server-vad")
        let chunks = rec.clientEvents.filter { $0["type"]?.stringValue == "input_audio_buffer.append" }
            .map { Base64.decode($0["audio"]!.stringValue!)! }
        let config = RealtimeConfig(
            model: "xai/grok-voice-latest", instructions: "Reply in a few words.",
            inputTranscriptionModel: "grok-transcribe")
        let (out, _, sent) = try await Self.run(
            "xai-audio-in-server-vad", provider: "xai", config: config, responses: 1, seed: 0,
            start: { session in for c in chunks { try await session.appendAudio(c) } })
        #expect(sent == rec.clientEvents)
        let final = Self.recorded(rec, "conversation.item.input_audio_transcription.completed", "transcript")
        #expect(!final.isEmpty)
        let completed = out.events.compactMap { e -> String? in
            if case .inputTranscriptCompleted(_, let t) = e { return t } else { return nil }
        }
        #expect(completed == Array(uniqued(final)))
        #expect(completed.count == 3 && completed.last?.hasPrefix("Hello, my name is Marcel") == true)
        // Snapshots "Hello?" then "Hello, my name is": the second rewrites the first, so only the first is a delta;
        // the rewrite arrives as the next completed transcript.
        #expect(out.inputTranscriptDeltas == "Hello?")
        #expect(out.audio == Self.recordedAudio(rec))
    }

    @Test func aSocketDroppedMidTurnEndsTheEventsWithANetworkError() async throws {
        let rec = Self.recording("openai-text-in-audio-out", stopAfterAudioDeltas: 2)
        try await LoopbackWebSocketServer.with(rec.script) { server in
            let session = try await Self.llm(server, provider: "openai").realtime(
                RealtimeConfig(
                    model: "openai/gpt-realtime", instructions: "Answer in two or three words.",
                    inputTranscriptionModel: "gpt-realtime-whisper"))
            try await session.sendText("Say a short greeting.")
            var audioDeltas = 0
            let e = try #require(
                await llmError {
                    for try await event in session.events { if case .audioDelta = event { audioDeltas += 1 } }
                })
            #expect(audioDeltas == 2)
            #expect(e.kind == .network)
            #expect(e.message.contains("open a new session"))
        }
    }

    @Test func aRefusedKeyIsAnAuthenticationErrorNamingTheVariable() async throws {
        // OpenAI's documented 401 body (platform.openai.com/docs/guides/error-codes, 2026-11-25).
        let body = Array(
            #"{"error":{"message":"Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
                .utf8)
        try await LoopbackWebSocketServer.with(
            [], handshake: .reject(status: 401, headers: [("content-type", "application/json")], body: body)
        ) { server in
            let e = try #require(
                await llmError {
                    _ = try await Self.llm(server, provider: "openai").realtime(.init(model: "openai/gpt-realtime"))
                })
            #expect(e.kind == .authentication)
            #expect(e.statusCode == 401)
            #expect(!e.message.contains("sk-test"))
        }
    }

    @Test func providersWithoutARealtimeAPISayWhatToUse() async throws {
        let llm = LLMKit(providers: ["anthropic": ProviderSettings(apiKey: "k")], environment: [:])
        let e = try #require(await llmError { _ = try await llm.realtime(.init(model: "anthropic/claude-sonnet-4-5")) })
        #expect(e.kind == .unsupported)
        #expect(e.message.contains("openai/gpt-realtime"))
        let x = LLMKit(providers: ["xai": ProviderSettings(apiKey: "k")], environment: [:])
        let t = try #require(
            await llmError {
                _ = try await x.realtime(.init(model: "xai/grok-voice-latest", outputModalities: [.text]))
            })
        #expect(t.kind == .unsupported)
    }
}

/// Unique elements in first-seen order.
private func uniqued(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}
