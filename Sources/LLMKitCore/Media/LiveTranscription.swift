/// Options of a live (streaming) transcription session. The audio format must be stated for raw
/// audio (`encoding` + `sampleRate`); containers (WAV, MP3, WebM) are detected by the provider.
public struct LiveTranscriptionOptions: Sendable, Hashable {
    /// `provider/model`, e.g. `deepgram/nova-3`.
    public var model: String
    /// Raw audio encoding (`linear16`, `mulaw`, `alaw`, `opus`, `flac`, ...); nil for containers.
    public var encoding: String?
    public var sampleRate: Int?
    public var channels: Int?
    /// BCP-47 language, e.g. `en-US`, `pt-BR`; `multi` for code-switching.
    public var language: String?
    /// Results that may still change (`isFinal == false`) as well as final ones.
    public var interimResults: Bool
    /// Punctuation, capitals and number formatting.
    public var smartFormat: Bool
    public var diarize: Bool
    /// Milliseconds of silence that end an utterance (`UtteranceEnd` events; needs interim results).
    public var utteranceEndMs: Int?
    /// Send `SpeechStarted` events.
    public var vadEvents: Bool
    /// Milliseconds of silence that mark `speechFinal`; nil keeps the provider's default.
    public var endpointingMs: Int?
    /// Words or phrases to favour (Deepgram `keyterm`).
    public var keyterms: [String]
    /// How often the client pings the socket; the session fails when nothing arrives for another interval.
    /// nil: no pings (send `keepAlive()` during pauses in the audio either way).
    public var pingInterval: Duration?

    public init(
        model: String, encoding: String? = nil, sampleRate: Int? = nil, channels: Int? = nil,
        language: String? = nil, interimResults: Bool = true, smartFormat: Bool = true, diarize: Bool = false,
        utteranceEndMs: Int? = nil, vadEvents: Bool = false, endpointingMs: Int? = nil, keyterms: [String] = [],
        pingInterval: Duration? = .seconds(20)
    ) {
        self.model = model
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channels = channels
        self.language = language
        self.interimResults = interimResults
        self.smartFormat = smartFormat
        self.diarize = diarize
        self.utteranceEndMs = utteranceEndMs
        self.vadEvents = vadEvents
        self.endpointingMs = endpointingMs
        self.keyterms = keyterms
        self.pingInterval = pingInterval
    }
}

/// One transcript result of a live session.
public struct LiveTranscriptResult: Sendable, Hashable, Codable {
    public var transcript: String
    public var confidence: Double?
    public var words: [Transcript.Word]
    /// Seconds from the start of the stream.
    public var start: Double
    public var duration: Double
    /// This text will not change any more.
    public var isFinal: Bool
    /// The speaker paused (endpointing): a good moment to act on the utterance.
    public var speechFinal: Bool
    /// Flushed by a `finalize()` call.
    public var fromFinalize: Bool
    public var channel: Int

    public init(
        transcript: String, confidence: Double? = nil, words: [Transcript.Word] = [], start: Double,
        duration: Double, isFinal: Bool, speechFinal: Bool, fromFinalize: Bool = false, channel: Int = 0
    ) {
        self.transcript = transcript
        self.confidence = confidence
        self.words = words
        self.start = start
        self.duration = duration
        self.isFinal = isFinal
        self.speechFinal = speechFinal
        self.fromFinalize = fromFinalize
        self.channel = channel
    }
}

/// A server event of a live transcription session.
public enum LiveTranscriptEvent: Sendable, Hashable {
    case result(LiveTranscriptResult)
    /// Session facts; Deepgram sends it last, after `finish()`.
    case metadata(requestID: String, duration: Double?)
    /// A gap of `utteranceEndMs` after the last final word.
    case utteranceEnd(lastWordEnd: Double, channel: Int)
    /// Voice activity started (`vadEvents`).
    case speechStarted(timestamp: Double, channel: Int)
}
