import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Gemini Live sessions replayed from pydantic-ai's recordings of the live API through google-genai
/// (Fixtures/voice/realtime/gemini-live-*.session.jsonl, in the order the client saw them): every client
/// message is compared with the recorded one, the upgrade request, and the decoded events completely.
@Suite("Gemini Live realtime sessions")
struct GeminiLiveTests {
    static let path = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
    static let model = "gemini/gemini-2.5-flash-native-audio-preview-09-2025"
    static let key = "gemini-test-key-7Q2x"

    typealias Recording = RealtimeTests.Recording

    /// The session as a server script; `binary` sends the server's JSON in binary frames (google-genai
    /// accepts both); `dropAfterAudio` drops the socket after that many audio messages.
    static func recording(_ name: String, binary: Bool = false, dropAfterAudio: Int? = nil) -> Recording {
        RealtimeTests.recording(name, stopAfterAudioDeltas: dropAfterAudio, binary: binary) { data in
            guard case .array(let parts) = data["serverContent"]?["modelTurn"]?["parts"] else { return false }
            return parts.contains { $0["inlineData"] != nil }
        }
    }

    static func llm(_ server: LoopbackWebSocketServer) -> LLMKit {
        let base = server.baseURL.replacingOccurrences(of: "ws://", with: "http://")
        return LLMKit(providers: ["gemini": ProviderSettings(apiKey: key, baseURL: base)], environment: [:])
    }

    /// The JSON Schema of the recorded tool; google-genai sent it as Gemini's schema (upper-case types, nullable).
    static let recordReading = ToolDefinition(
        name: "record_reading", description: "Store the supplied sensor value.",
        parameters: [
            "additionalProperties": false, "type": "object",
            "properties": [
                "zqx_measurement": ["type": "integer"],
                "qbf_note": ["anyOf": [["type": "string"], ["type": "null"]]],
            ],
            "required": ["zqx_measurement"],
        ])

    struct Outcome {
        var events: [RealtimeEvent] = []
        var audio: [UInt8] = []
        var transcript = ""
        var text = ""
        var toolCalls: [RealtimeToolCall] = []
        var done: [(String, String, RealtimeUsage?)] = []
    }

    static func run(
        _ name: String, config: RealtimeConfig, seed: UInt64, binary: Bool = false,
        start: (RealtimeSession) async throws -> Void,
        onToolCall: ((RealtimeSession, RealtimeToolCall) async throws -> Void)? = nil
    ) async throws -> (Outcome, Recording, [JSONValue]) {
        let rec = recording(name, binary: binary)
        let delivery: CannedResponse.Delivery = seed == 0 ? .whole : .randomSplits(seed: seed)
        return try await LoopbackWebSocketServer.with(rec.script, delivery: delivery) { server in
            var config = config
            config.pingInterval = nil
            let session = try await llm(server).realtime(config)
            #expect(session.provider == "gemini")
            #expect(session.inputSampleRate == 16_000 && session.outputSampleRate == 24_000)
            try await start(session)
            var out = Outcome()
            for try await e in session.events {
                out.events.append(e)
                switch e {
                case .audioDelta(_, let a): out.audio += a
                case .audioTranscriptDelta(_, let t): out.transcript += t
                case .textDelta(_, let t): out.text += t
                case .toolCall(let call):
                    out.toolCalls.append(call)
                    try await onToolCall?(session, call)
                case .responseDone(let id, let status, let usage): out.done.append((id, status, usage))
                default: break
                }
                if !out.done.isEmpty { break }
            }
            await session.close()
            await server.waitUntilClosed()
            #expect(server.requestURI == path)
            #expect(server.header("x-goog-api-key") == key)
            #expect(server.header("authorization") == nil)
            #expect(server.clientCloseCode == 1000)
            return (out, rec, server.receivedJSON)
        }
    }

    /// Audio the recording's server sent, decoded independently of the code under test.
    static func recordedAudio(_ rec: Recording) -> [UInt8] {
        rec.serverEvents.compactMap { $0["serverContent"]?["modelTurn"]?["parts"] }.flatMap { parts -> [UInt8] in
            guard case .array(let ps) = parts else { return [] }
            return ps.compactMap { $0["inlineData"]?["data"]?.stringValue }.flatMap { Base64.decode($0)! }
        }
    }

    static func outputTranscript(_ rec: Recording) -> String {
        rec.serverEvents.compactMap { $0["serverContent"]?["outputTranscription"]?["text"]?.stringValue }.joined()
    }

    @Test(arguments: [(UInt64(0), false), (31, false), (0, true), (32, true)])
    func textInAudioOut(seed: UInt64, binary: Bool) async throws {
        let config = RealtimeConfig(
            model: Self.model, instructions: "Answer in two or three words.", inputTranscriptionModel: "default")
        let (out, rec, sent) = try await Self.run(
            "gemini-live-text-in-audio-out", config: config, seed: seed, binary: binary,
            start: { try await $0.sendText("Say a short greeting.") })
        #expect(sent == rec.clientEvents, "seed \(seed)")
        #expect(sent.first?["setup"]?["model"] == "models/gemini-2.5-flash-native-audio-preview-09-2025")
        #expect(out.events.first == .sessionCreated(id: ""))
        #expect(out.transcript == "Hello there." && out.transcript == Self.outputTranscript(rec))
        #expect(!out.audio.isEmpty && out.audio == Self.recordedAudio(rec))
        #expect(out.text.isEmpty)  // the thought summary (thought: true) is not answer text
        #expect(out.done.count == 1 && out.done[0].0 == "" && out.done[0].1 == "completed")
        #expect(
            out.done.first?.2
                == RealtimeUsage(
                    inputTokens: 1131, outputTokens: 50, inputTextTokens: 1131, outputAudioTokens: 26,
                    reasoningTokens: 24))
    }

    @Test(arguments: [UInt64(0), 33])
    func toolCallRound(seed: UInt64) async throws {
        let config = RealtimeConfig(
            model: Self.model,
            instructions: "Use record_reading when asked to record a reading, then confirm it in one sentence.",
            tools: [Self.recordReading], inputTranscriptionModel: "default")
        let (out, rec, sent) = try await Self.run(
            "gemini-live-tool-call-round", config: config, seed: seed,
            start: { try await $0.sendText(#"Please record a reading of 5 with the note "steady"."#) },
            onToolCall: { session, call in
                try await session.sendToolResult(callID: call.callID, output: "Recorded 5 (steady).")
            })
        #expect(sent == rec.clientEvents, "seed \(seed)")
        #expect(sent.count == 3 && sent[2]["tool_response"] != nil)
        let call = try #require(out.toolCalls.first)
        #expect(out.toolCalls.count == 1)
        #expect(call.callID == "function-call-3225422447732038294" && call.name == "record_reading")
        #expect(try JSONValue(parsing: Array(call.arguments.utf8)) == ["zqx_measurement": 5, "qbf_note": "steady"])
        #expect(out.transcript == #"I have recorded a reading of 5 with the note "steady.""#)
        #expect(out.transcript == Self.outputTranscript(rec))
        #expect(!out.audio.isEmpty && out.audio == Self.recordedAudio(rec))
        #expect(
            out.done.first?.2
                == RealtimeUsage(
                    inputTokens: 1267, outputTokens: 103, inputTextTokens: 1267, outputAudioTokens: 81,
                    outputTextTokens: 22))
    }

    @Test(arguments: [UInt64(0), 34])
    func aSocketDroppedMidTurnEndsTheEventsWithANetworkError(seed: UInt64) async throws {
        let rec = Self.recording("gemini-live-tool-call-round", dropAfterAudio: 3)
        let delivery: CannedResponse.Delivery = seed == 0 ? .whole : .randomSplits(seed: seed)
        try await LoopbackWebSocketServer.with(rec.script, delivery: delivery) { server in
            var config = RealtimeConfig(
                model: Self.model,
                instructions: "Use record_reading when asked to record a reading, then confirm it in one sentence.",
                tools: [Self.recordReading], inputTranscriptionModel: "default")
            config.pingInterval = nil
            let session = try await Self.llm(server).realtime(config)
            try await session.sendText(#"Please record a reading of 5 with the note "steady"."#)
            var audio = 0
            let e = try #require(
                await llmError {
                    for try await event in session.events {
                        if case .toolCall(let c) = event {
                            try await session.sendToolResult(callID: c.callID, output: "Recorded 5 (steady).")
                        }
                        if case .audioDelta = event { audio += 1 }
                    }
                })
            #expect(audio == 3)
            #expect(e.kind == .network && e.provider == "gemini")
            #expect(e.message.contains("open a new session"))
        }
    }

    /// Gemini accepts the upgrade, reads `setup`, then closes with 1007 and a reason (google-genai surfaces
    /// "received 1007 (invalid frame payload data) API key not valid. Please pass a valid API key."; see
    /// SOURCE.md). `realtime` waits for `setupComplete`, so the refusal is thrown there.
    @Test func aRefusedKeyIsAnAuthenticationErrorNamingTheVariable() async throws {
        let script: [LoopbackWebSocketServer.Step] = [
            .expect(1), .close(code: 1007, reason: "API key not valid. Please pass a valid API key."),
        ]
        try await LoopbackWebSocketServer.with(script) { server in
            let e = try #require(
                await llmError { _ = try await Self.llm(server).realtime(.init(model: Self.model)) })
            #expect(e.kind == .authentication)
            #expect(e.message.contains("API key not valid") && e.message.contains("GEMINI_API_KEY"))
            #expect(e.providerCode == "1007" && e.provider == "gemini")
            #expect(!e.message.contains(Self.key) && !e.description.contains(Self.key))
            #expect(server.receivedJSON.first?["setup"] != nil)
        }
    }

    /// Close reasons Gemini users reported (google-gemini/cookbook#781; see SOURCE.md) map to typed kinds.
    @Test(arguments: [
        (UInt16(1007), "Request contains an invalid argument.", LLMError.Kind.invalidRequest),
        (1007, "User location is not supported for the API use.", .permissionDenied),
        (1007, "API Key not found. Please pass a valid API key.", .authentication),
    ])
    func closeReasonsMapToErrorKinds(code: UInt16, reason: String, kind: LLMError.Kind) async throws {
        try await LoopbackWebSocketServer.with([.expect(1), .close(code: code, reason: reason)]) { server in
            let e = try #require(
                await llmError { _ = try await Self.llm(server).realtime(.init(model: Self.model)) })
            #expect(e.kind == kind, "\(reason)")
            #expect(e.message.hasPrefix(reason))
        }
    }

    /// Manual turns: `activityStart` before the first chunk, audio declared at 16 kHz, `activityEnd` on commit;
    /// the setup carries the turn detection, voice and text modality. Client messages follow ai.google.dev/api/live.
    @Test func manualTurnsBracketTheAudioWithActivityMessages() async throws {
        let setupComplete = Self.recording("gemini-live-text-in-audio-out").serverEvents[0]
        #expect(setupComplete == ["setupComplete": [:]])
        let script: [LoopbackWebSocketServer.Step] = [
            .expect(1), .send(.text(String(decoding: JSONWriter.bytes(setupComplete), as: UTF8.self))),
            .expect(5), .expectClose,
        ]
        try await LoopbackWebSocketServer.with(script) { server in
            let session = try await Self.llm(server).realtime(
                RealtimeConfig(
                    model: Self.model, voice: "Kore", turnDetection: .manual, outputModalities: [.text],
                    pingInterval: nil))
            #expect(session.respondsToCommittedAudio)
            try await session.appendAudio([1, 0, 2, 0])
            try await session.appendAudio([3, 0])
            try await session.commitAudio()
            await #expect(throws: LLMError.self) { try await session.commitAudio() }
            try await session.createResponse()
            await session.close()
            await server.waitUntilClosed()
            let sent = server.receivedJSON
            #expect(
                sent[0]
                    == [
                        "setup": [
                            "model": "models/gemini-2.5-flash-native-audio-preview-09-2025",
                            "generationConfig": [
                                "responseModalities": ["TEXT"],
                                "speechConfig": ["voiceConfig": ["prebuiltVoiceConfig": ["voiceName": "Kore"]]],
                            ],
                            "realtimeInputConfig": ["automaticActivityDetection": ["disabled": true]],
                        ]
                    ])
            #expect(
                Array(sent.dropFirst())
                    == [
                        ["realtime_input": ["activityStart": [:]]],
                        ["realtime_input": ["audio": ["data": "AQACAA==", "mimeType": "audio/pcm;rate=16000"]]],
                        ["realtime_input": ["audio": ["data": "AwA=", "mimeType": "audio/pcm;rate=16000"]]],
                        ["realtime_input": ["activityEnd": [:]]],
                        ["client_content": ["turnComplete": true]],
                    ])
        }
    }

    @Test func whatGeminiLiveCannotDoIsRefusedWithTheAlternative() async throws {
        let llm = LLMKit(providers: ["gemini": ProviderSettings(apiKey: Self.key)], environment: [:])
        for config in [
            RealtimeConfig(model: Self.model, turnDetection: .semanticVAD()),
            RealtimeConfig(model: Self.model, turnDetection: .serverVAD(threshold: 0.5)),
            RealtimeConfig(model: Self.model, turnDetection: .serverVAD(createResponse: false)),
            RealtimeConfig(model: Self.model, outputModalities: [.audio, .text]),
            RealtimeConfig(
                model: Self.model,
                tools: [
                    ToolDefinition(name: "t", parameters: ["$ref": "#/$defs/a", "$defs": ["a": ["type": "string"]]])
                ]),
        ] {
            let e = try #require(await llmError { _ = try await llm.realtime(config) })
            #expect(e.kind == .unsupported, "\(config)")
            #expect(e.message.contains("use") || e.message.contains("inline") || e.message.contains("leave"))
        }
        let setupComplete = String(
            decoding: JSONWriter.bytes(Self.recording("gemini-live-text-in-audio-out").serverEvents[0]), as: UTF8.self)
        let script: [LoopbackWebSocketServer.Step] = [.expect(1), .send(.text(setupComplete)), .expectClose]
        try await LoopbackWebSocketServer.with(script) { server in
            let session = try await Self.llm(server).realtime(RealtimeConfig(model: Self.model, pingInterval: nil))
            #expect(session.respondsToCommittedAudio)
            for call in [session.cancelResponse, session.clearAudio] {
                let e = try #require(await llmError { try await call() })
                #expect(e.kind == .unsupported)
            }
            let u = try #require(await llmError { try await session.update(RealtimeConfig(model: Self.model)) })
            #expect(u.kind == .unsupported && u.message.contains("open a new session"))
            let t = try #require(await llmError { try await session.sendToolResult(callID: "nope", output: "x") })
            #expect(t.kind == .invalidRequest)
            await session.close()
        }
    }
}
