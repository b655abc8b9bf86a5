import LLMKitCore

/// The wire differences of the realtime APIs LLMKit speaks. Gemini Live is its own protocol (see
/// `GeminiLive`); OpenAI and xAI both follow OpenAI's GA event names;
/// xAI differs in the session shape (turn detection and voice at the session's top level, no
/// `type`/`output_modalities`), sends cumulative input-transcript snapshots instead of deltas, reports
/// usage at the `response.done` event's top level, and pings with `{"type":"ping"}` events. Sources:
/// https://platform.openai.com/docs/api-reference/realtime (2026-11-25),
/// https://docs.x.ai/docs/guides/voice/agent (2026-11-25), and the recorded sessions in
/// Tests/LLMKitTests/Fixtures/voice/realtime.
enum RealtimeDialect: Sendable {
    case openAI
    case xai
    case geminiLive

    var provider: String {
        switch self {
        case .openAI: "openai"
        case .xai: "xai"
        case .geminiLive: "gemini"
        }
    }

    /// The rate of the audio the client sends.
    func inputSampleRate(_ config: RealtimeConfig) -> Int {
        config.sampleRate ?? (self == .geminiLive ? GeminiLive.inputRate : 24_000)
    }

    /// The rate of the answer's audio.
    func outputSampleRate(_ config: RealtimeConfig) -> Int {
        self == .geminiLive ? GeminiLive.outputRate : config.sampleRate ?? 24_000
    }

    /// OpenAI and xAI: the `session.update` event (Gemini sends `GeminiLive.setup` once instead).
    func sessionUpdate(_ config: RealtimeConfig) -> JSONValue {
        let format: JSONValue = ["type": "audio/pcm", "rate": .int(inputSampleRate(config))]
        var input: JSONValue = ["format": format]
        var output: JSONValue = ["format": format]
        let turn = turnDetection(config.turnDetection)
        if self == .openAI { input = input.setting("turn_detection", turn) }
        if let m = config.inputTranscriptionModel { input = input.setting("transcription", ["model": .string(m)]) }
        if self == .openAI, let v = config.voice { output = output.setting("voice", .string(v)) }
        var session: JSONValue = self == .openAI ? ["type": "realtime"] : [:]
        if let i = config.instructions { session = session.setting("instructions", .string(i)) }
        switch self {
        case .openAI:
            session = session.setting(
                "output_modalities", .array(config.outputModalities.map { .string($0.rawValue) }))
        case .xai, .geminiLive:
            if let v = config.voice { session = session.setting("voice", .string(v)) }
            session = session.setting("turn_detection", turn)
        }
        session = session.setting("audio", ["input": input, "output": output])
        if !config.tools.isEmpty {
            session = session.setting(
                "tools",
                .array(
                    config.tools.map { t in
                        var tool: JSONValue = ["type": "function", "name": .string(t.name), "parameters": t.parameters]
                        if let d = t.description { tool = tool.setting("description", .string(d)) }
                        return tool
                    }))
        }
        return ["type": "session.update", "session": session]
    }

    private func turnDetection(_ t: RealtimeTurnDetection) -> JSONValue {
        switch t {
        case .manual:
            return self == .openAI ? .null : ["type": .null]
        case .serverVAD(let threshold, let padding, let silence, let create, let interrupt):
            var v: JSONValue = [
                "type": "server_vad", "create_response": .bool(create), "interrupt_response": .bool(interrupt),
            ]
            if let threshold { v = v.setting("threshold", .double(threshold)) }
            if let padding { v = v.setting("prefix_padding_ms", .int(padding)) }
            if let silence { v = v.setting("silence_duration_ms", .int(silence)) }
            return v
        case .semanticVAD(let eagerness):
            return ["type": "semantic_vad", "eagerness": .string(eagerness)]
        }
    }

    /// What this provider cannot do with `config`, as an error naming the fix.
    func check(_ config: RealtimeConfig, provider: String) throws(LLMError) {
        if self == .geminiLive { try GeminiLive.check(config, provider: provider) }
        guard self == .xai else { return }
        if config.outputModalities != [.audio] {
            throw LLMError(
                .unsupported,
                "xAI voice sessions answer with audio (and its transcript) only; use outputModalities [.audio]",
                provider: provider)
        }
        if case .semanticVAD = config.turnDetection {
            throw LLMError(
                .unsupported, "xAI voice sessions offer server VAD or manual turns, not semantic VAD",
                provider: provider)
        }
    }
}

/// Turns server messages into `RealtimeEvent`s; keeps what xAI's transcript snapshots need.
struct RealtimeDecoder: Sendable {
    let dialect: RealtimeDialect
    /// The last input-transcript snapshot per item (xAI), to hand out deltas.
    private var snapshots: [String: String] = [:]
    private var completed: [String: String] = [:]
    private var gemini: GeminiLiveDecoder?

    init(dialect: RealtimeDialect, gemini: GeminiLiveState? = nil) {
        self.dialect = dialect
        self.gemini = gemini.map(GeminiLiveDecoder.init)
    }

    mutating func decode(_ bytes: [UInt8]) throws(LLMError) -> [RealtimeEvent] {
        let provider = dialect.provider
        let e: JSONValue
        do {
            e = try JSONValue(parsing: bytes)
        } catch {
            throw LLMError(
                .decoding,
                "the realtime server sent a message that is not JSON: \(String(decoding: bytes.prefix(120), as: UTF8.self))",
                provider: provider)
        }
        if dialect == .geminiLive, gemini != nil { return try gemini!.decode(e) }
        func s(_ v: JSONValue?) -> String? { v?.stringValue }
        switch s(e["type"]) ?? "" {
        case "session.created":
            return [.sessionCreated(id: s(e["session"]?["id"]) ?? "")]
        case "session.updated":
            return [.sessionUpdated]
        case "input_audio_buffer.speech_started":
            return [.speechStarted(itemID: s(e["item_id"]), audioStartMs: e["audio_start_ms"]?.intValue)]
        case "input_audio_buffer.speech_stopped":
            return [.speechStopped(itemID: s(e["item_id"]), audioEndMs: e["audio_end_ms"]?.intValue)]
        case "input_audio_buffer.committed":
            return [.inputCommitted(itemID: s(e["item_id"]))]
        case "conversation.item.input_audio_transcription.delta":
            guard let item = s(e["item_id"]), let d = s(e["delta"]) else { return [] }
            snapshots[item, default: ""] += d
            return [.inputTranscriptDelta(itemID: item, text: d)]
        case "conversation.item.input_audio_transcription.updated":
            // xAI: a cumulative snapshot. Hand out what it adds; a rewrite waits for `.completed`.
            guard let item = s(e["item_id"]), let text = s(e["transcript"]) else { return [] }
            let before = snapshots[item] ?? ""
            snapshots[item] = text
            guard text.hasPrefix(before), text.count > before.count else { return [] }
            return [.inputTranscriptDelta(itemID: item, text: String(text.dropFirst(before.count)))]
        case "conversation.item.input_audio_transcription.completed":
            guard let item = s(e["item_id"]), let text = s(e["transcript"]) else { return [] }
            if completed[item] == text { return [] }  // xAI may repeat it
            completed[item] = text
            return [.inputTranscriptCompleted(itemID: item, text: text)]
        case "conversation.item.input_audio_transcription.failed":
            return [
                .inputTranscriptFailed(
                    itemID: s(e["item_id"]) ?? "", message: s(e["error"]?["message"]) ?? "transcription failed")
            ]
        case "response.created":
            return [.responseCreated(id: s(e["response"]?["id"]) ?? "")]
        case "response.output_audio.delta", "response.audio.delta":
            guard let d = s(e["delta"]) else { return [] }
            guard let audio = Base64.decode(d) else {
                throw LLMError(.decoding, "the realtime server sent audio that is not base64", provider: provider)
            }
            return [.audioDelta(itemID: s(e["item_id"]), audio: audio)]
        case "response.output_audio_transcript.delta", "response.audio_transcript.delta":
            return [.audioTranscriptDelta(itemID: s(e["item_id"]), text: s(e["delta"]) ?? "")]
        case "response.output_text.delta", "response.text.delta":
            return [.textDelta(itemID: s(e["item_id"]), text: s(e["delta"]) ?? "")]
        case "response.function_call_arguments.done":
            return [
                .toolCall(
                    RealtimeToolCall(
                        callID: s(e["call_id"]) ?? "", name: s(e["name"]) ?? "", arguments: s(e["arguments"]) ?? "",
                        itemID: s(e["item_id"]), responseID: s(e["response_id"])))
            ]
        case "response.done":
            let r = e["response"]
            var usage = Self.usage(r?["usage"])
            if usage == nil { usage = Self.usage(e["usage"]) }  // xAI
            return [.responseDone(id: s(r?["id"]) ?? "", status: s(r?["status"]) ?? "completed", usage: usage)]
        case "error":
            let err = e["error"]
            return [
                .error(
                    message: s(err?["message"]) ?? s(e["message"]) ?? "the realtime server reported an error",
                    code: s(err?["code"]) ?? s(err?["type"]))
            ]
        default:
            return []
        }
    }

    static func usage(_ u: JSONValue?) -> RealtimeUsage? {
        guard let u, let input = u["input_tokens"]?.intValue, let output = u["output_tokens"]?.intValue else {
            return nil
        }
        let i = u["input_token_details"]
        let o = u["output_token_details"]
        return RealtimeUsage(
            inputTokens: input, outputTokens: output, inputAudioTokens: i?["audio_tokens"]?.intValue,
            inputTextTokens: i?["text_tokens"]?.intValue, outputAudioTokens: o?["audio_tokens"]?.intValue,
            outputTextTokens: o?["text_tokens"]?.intValue, cachedTokens: i?["cached_tokens"]?.intValue,
            billableAudioSeconds: u["billable_audio_seconds"]?.doubleValue)
    }
}
