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
    /// Split the transcript at pauses into utterances (Deepgram `utterances=true`); `Transcript.utterances`.
    public var utterances: Bool
    /// Words or phrases to favour (Deepgram `keyterm`, ElevenLabs `keyterms`, AssemblyAI `keyterms_prompt`).
    public var keyterms: [String]
    /// How many speakers to expect when diarizing (ElevenLabs `num_speakers`, a maximum of 1-32; AssemblyAI
    /// `speakers_expected`). `nil` lets the provider decide.
    public var speakerCount: Int?
    /// Tag non-speech sounds such as `(laughter)` (ElevenLabs `tag_audio_events`); they land in
    /// `Transcript.audioEvents` and in the text.
    public var audioEvents: Bool
    /// For providers that transcribe as a job (AssemblyAI): the first status poll comes after this, later ones
    /// 1.5 times further apart, up to 5 seconds.
    public var pollInterval: Duration
    /// For providers that transcribe as a job: how long to wait for the transcript before throwing `.timeout`
    /// (the error's `requestID` is the transcript id, to resume with `LLMKit.transcript(id:provider:)`).
    public var timeout: Duration

    public init(
        model: String, audio: MediaSource, language: String? = nil, diarize: Bool = false, smartFormat: Bool = true,
        paragraphs: Bool = false, utterances: Bool = false, keyterms: [String] = [], speakerCount: Int? = nil,
        audioEvents: Bool = false,
        pollInterval: Duration = .seconds(1), timeout: Duration = .seconds(1800)
    ) {
        self.speakerCount = speakerCount
        self.audioEvents = audioEvents
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.model = model
        self.audio = audio
        self.language = language
        self.diarize = diarize
        self.smartFormat = smartFormat
        self.paragraphs = paragraphs
        self.utterances = utterances
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

    /// A non-speech sound the provider tagged, e.g. `(laughter)` (ElevenLabs `audio_event`).
    public struct AudioEvent: Sendable, Hashable, Codable {
        public var text: String
        /// Seconds from the start of the audio.
        public var start: Double
        public var end: Double
        public var speaker: String?

        public init(text: String, start: Double, end: Double, speaker: String? = nil) {
            self.text = text
            self.start = start
            self.end = end
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
    /// Speech split at pauses (Deepgram utterances, when asked for), with the speaker when diarizing.
    public var utterances: [Paragraph]
    public var requestID: String?
    /// The language the provider detected or was told, in the provider's own code (`en`, `en_us`, `eng`).
    public var language: String?
    /// How sure the provider is of `language`, 0-1 (ElevenLabs `language_probability`, AssemblyAI
    /// `language_confidence`).
    public var languageConfidence: Double?
    /// Non-speech sounds, when the request asked for them and the provider reports them separately; `nil` otherwise.
    public var audioEvents: [AudioEvent]?
    /// Options the provider could not honour.
    public var warnings: [Warning]

    public init(
        provider: String, model: String, text: String, confidence: Double? = nil, duration: Double? = nil,
        words: [Word] = [], paragraphs: [Paragraph] = [], utterances: [Paragraph] = [], requestID: String? = nil,
        language: String? = nil,
        languageConfidence: Double? = nil, audioEvents: [AudioEvent]? = nil, warnings: [Warning] = []
    ) {
        self.languageConfidence = languageConfidence
        self.audioEvents = audioEvents
        self.language = language
        self.warnings = warnings
        self.provider = provider
        self.model = model
        self.text = text
        self.confidence = confidence
        self.duration = duration
        self.words = words
        self.paragraphs = paragraphs
        self.utterances = utterances
        self.requestID = requestID
    }
}
