/// Speech to text for one recording.
public struct TranscriptionRequest: Sendable, Hashable {
    /// `provider/model`, e.g. `deepgram/nova-3`.
    public var model: String
    /// The audio as bytes with its MIME type (`audio/wav`, `audio/mpeg`, ...), or a URL the provider fetches.
    public var audio: MediaSource
    /// BCP-47 language, when known.
    public var language: String?
    /// Label speakers.
    public var diarize: Bool
    /// Punctuation, capitals and number formatting.
    public var smartFormat: Bool
    /// Group words into paragraphs.
    public var paragraphs: Bool
    /// Words or phrases to favour (Deepgram `keyterm`).
    public var keyterms: [String]

    public init(
        model: String, audio: MediaSource, language: String? = nil, diarize: Bool = false, smartFormat: Bool = true,
        paragraphs: Bool = false, keyterms: [String] = []
    ) {
        self.model = model
        self.audio = audio
        self.language = language
        self.diarize = diarize
        self.smartFormat = smartFormat
        self.paragraphs = paragraphs
        self.keyterms = keyterms
    }
}

/// A transcript with timings.
public struct Transcript: Sendable, Hashable, Codable {
    public struct Word: Sendable, Hashable, Codable {
        public var word: String
        /// With punctuation and capitals, when smart formatting was on.
        public var punctuated: String?
        /// Seconds from the start of the audio.
        public var start: Double
        public var end: Double
        public var confidence: Double?
        /// The speaker's label: Deepgram's number as text (`"0"`), OpenAI's and AssemblyAI's letters (`"A"`),
        /// ElevenLabs' `speaker_0`, or a known speaker's name.
        public var speaker: String?

        public init(
            word: String, punctuated: String? = nil, start: Double, end: Double, confidence: Double? = nil,
            speaker: String? = nil
        ) {
            self.word = word
            self.punctuated = punctuated
            self.start = start
            self.end = end
            self.confidence = confidence
            self.speaker = speaker
        }
    }

    public struct Paragraph: Sendable, Hashable, Codable {
        public var text: String
        public var start: Double
        public var end: Double
        /// The speaker's label, as on `Word.speaker`.
        public var speaker: String?

        public init(text: String, start: Double, end: Double, speaker: String? = nil) {
            self.text = text
            self.start = start
            self.end = end
            self.speaker = speaker
        }
    }

    public var provider: String
    public var model: String
    public var text: String
    public var confidence: Double?
    /// Seconds of audio.
    public var duration: Double?
    public var words: [Word]
    public var paragraphs: [Paragraph]
    public var requestID: String?
    /// The language the provider detected or was told.
    public var language: String?
    /// Options the provider could not honour.
    public var warnings: [Warning]

    public init(
        provider: String, model: String, text: String, confidence: Double? = nil, duration: Double? = nil,
        words: [Word] = [], paragraphs: [Paragraph] = [], requestID: String? = nil, language: String? = nil,
        warnings: [Warning] = []
    ) {
        self.language = language
        self.warnings = warnings
        self.provider = provider
        self.model = model
        self.text = text
        self.confidence = confidence
        self.duration = duration
        self.words = words
        self.paragraphs = paragraphs
        self.requestID = requestID
    }
}
