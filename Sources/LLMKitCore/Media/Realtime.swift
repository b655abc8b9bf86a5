/// How a realtime session decides that the user finished a turn.
public enum RealtimeTurnDetection: Sendable, Hashable, Codable {
    /// The caller commits the audio buffer and asks for a response itself.
    case manual
    /// Voice activity detection on the server. nil fields keep the provider's default.
    case serverVAD(
        threshold: Double? = nil, prefixPaddingMs: Int? = nil, silenceDurationMs: Int? = nil,
        createResponse: Bool = true, interruptResponse: Bool = true)
    /// OpenAI's semantic end-of-turn detection (`low`, `medium`, `high`, `auto`).
    case semanticVAD(eagerness: String = "auto")
}

/// What a realtime session answers with.
public enum RealtimeModality: String, Sendable, Hashable, Codable {
    case audio, text
}

/// The configuration of a realtime voice session. Audio in and out is 16-bit little-endian mono PCM.
/// Rates: OpenAI and xAI take and answer with `sampleRate` (24 kHz unless set); Gemini Live takes input at
/// `sampleRate` (16 kHz unless set; each chunk declares its rate and Gemini resamples) and always answers at
/// 24 kHz. `RealtimeSession.inputSampleRate` and `outputSampleRate` say what a session uses.
public struct RealtimeConfig: Sendable, Hashable {
    /// `provider/model`, e.g. `openai/gpt-realtime`, `xai/grok-voice-latest` or
    /// `gemini/gemini-2.5-flash-native-audio-preview-09-2025`.
    public var model: String
    public var instructions: String?
    /// A provider voice name (`marin`, `alloy`; xAI `ara`, `rex`, ...; Gemini `Puck`, `Kore`, ...).
    public var voice: String?
    public var tools: [ToolDefinition]
    public var turnDetection: RealtimeTurnDetection
    /// `[.audio]` (speech with a transcript) or `[.text]`. xAI answers with audio only; Gemini with one of the two.
    public var outputModalities: [RealtimeModality]
    /// Transcribe the user's speech with this model (`gpt-realtime-whisper`, `gpt-4o-transcribe`, `grok-transcribe`).
    /// Gemini has no choice of transcription model: any value turns its input transcription on.
    public var inputTranscriptionModel: String?
    /// PCM sample rate of the audio you send; nil: the provider's native rate (24 kHz on OpenAI and xAI, where
    /// it is also the answer's rate; 16 kHz on Gemini).
    public var sampleRate: Int?
    /// How often the client pings; the session fails when nothing arrives for another interval. nil: no pings.
    public var pingInterval: Duration?

    public init(
        model: String, instructions: String? = nil, voice: String? = nil, tools: [ToolDefinition] = [],
        turnDetection: RealtimeTurnDetection = .serverVAD(), outputModalities: [RealtimeModality] = [.audio],
        inputTranscriptionModel: String? = nil, sampleRate: Int? = nil, pingInterval: Duration? = .seconds(20)
    ) {
        self.model = model
        self.instructions = instructions
        self.voice = voice
        self.tools = tools
        self.turnDetection = turnDetection
        self.outputModalities = outputModalities
        self.inputTranscriptionModel = inputTranscriptionModel
        self.sampleRate = sampleRate
        self.pingInterval = pingInterval
    }
}

/// A function call the model made in a realtime session. Answer it with
/// `RealtimeSession.sendToolResult(callID:output:)`.
public struct RealtimeToolCall: Sendable, Hashable, Codable {
    public var callID: String
    public var name: String
    /// The arguments as the model wrote them (JSON text; may contain whitespace and newlines).
    public var arguments: String
    public var itemID: String?
    public var responseID: String?

    public init(callID: String, name: String, arguments: String, itemID: String? = nil, responseID: String? = nil) {
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.itemID = itemID
        self.responseID = responseID
    }
}

/// Token and audio accounting of one realtime response.
public struct RealtimeUsage: Sendable, Hashable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var inputAudioTokens: Int?
    public var inputTextTokens: Int?
    public var outputAudioTokens: Int?
    public var outputTextTokens: Int?
    public var cachedTokens: Int?
    /// Seconds of audio the provider bills (xAI `billable_audio_seconds`).
    public var billableAudioSeconds: Double?
    /// Thinking tokens (Gemini `thoughtsTokenCount`), included in `outputTokens`.
    public var reasoningTokens: Int?

    public init(
        inputTokens: Int, outputTokens: Int, inputAudioTokens: Int? = nil, inputTextTokens: Int? = nil,
        outputAudioTokens: Int? = nil, outputTextTokens: Int? = nil, cachedTokens: Int? = nil,
        billableAudioSeconds: Double? = nil, reasoningTokens: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.inputAudioTokens = inputAudioTokens
        self.inputTextTokens = inputTextTokens
        self.outputAudioTokens = outputAudioTokens
        self.outputTextTokens = outputTextTokens
        self.cachedTokens = cachedTokens
        self.billableAudioSeconds = billableAudioSeconds
        self.reasoningTokens = reasoningTokens
    }
}

/// A server event of a realtime session, the same for every provider.
public enum RealtimeEvent: Sendable, Hashable {
    /// The session is open (`id` is the provider's session id; empty on Gemini, which has none: its
    /// `setupComplete`).
    case sessionCreated(id: String)
    /// The server applied a configuration update.
    case sessionUpdated
    /// Server VAD heard the user start speaking (`audioStartMs` into the input buffer).
    case speechStarted(itemID: String?, audioStartMs: Int?)
    case speechStopped(itemID: String?, audioEndMs: Int?)
    /// The input audio buffer became a user message.
    case inputCommitted(itemID: String?)
    /// Part of the transcript of the user's speech (xAI's snapshots become deltas while they only grow).
    case inputTranscriptDelta(itemID: String, text: String)
    /// The transcript of the user's speech, complete. xAI revises it: it may come more than once for an
    /// item, and the last one wins.
    case inputTranscriptCompleted(itemID: String, text: String)
    /// The user's speech could not be transcribed; the session goes on.
    case inputTranscriptFailed(itemID: String, message: String)
    case responseCreated(id: String)
    /// PCM16 audio of the answer.
    case audioDelta(itemID: String?, audio: [UInt8])
    /// Part of the transcript of the spoken answer.
    case audioTranscriptDelta(itemID: String?, text: String)
    /// Part of a text answer (`outputModalities: [.text]`).
    case textDelta(itemID: String?, text: String)
    /// The model calls a function; answer with `sendToolResult`.
    case toolCall(RealtimeToolCall)
    /// A response finished (`status`: completed, cancelled, incomplete, failed). Gemini: its `turnComplete`,
    /// with an empty id and `cancelled` when the turn was interrupted.
    case responseDone(id: String, status: String, usage: RealtimeUsage?)
    /// The user spoke over the answer and the server stopped it (Gemini `interrupted`): stop playing the
    /// audio you buffered. OpenAI and xAI report the same through `speechStarted` and a cancelled `responseDone`.
    case interrupted
    /// The server dropped tool calls it asked for (Gemini `toolCallCancellation`, after an interruption):
    /// do not send their results; undo their effects if you can.
    case toolCallsCancelled(callIDs: [String])
    /// The server will close the connection soon (Gemini `goAway`, about `timeLeft`): finish the turn and
    /// open a new session.
    case goingAway(timeLeft: Duration?)
    /// An error the server reported; the session stays open unless the socket closes next.
    case error(message: String, code: String?)
}
