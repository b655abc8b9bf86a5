/// The encoding of synthesized audio. Every case is explicit: a provider that does not offer a format (or a
/// sample rate or bitrate of it) refuses the request with an `unsupported` error instead of substituting another.
///
/// Rates are in Hz, bitrates in bits per second. A nil rate or bitrate means the provider's default for that codec.
public enum AudioFormat: Sendable, Hashable, Codable {
    /// MPEG-1 Layer III.
    case mp3(sampleRate: Int? = nil, bitrate: Int? = nil)
    /// Opus (in an Ogg container).
    case opus(sampleRate: Int? = nil, bitrate: Int? = nil)
    /// AAC (ADTS).
    case aac
    /// FLAC.
    case flac(sampleRate: Int? = nil)
    /// 16-bit PCM in a WAV container.
    case wav(sampleRate: Int? = nil)
    /// Raw 16-bit signed little-endian PCM, no header.
    case pcm16(sampleRate: Int)
    /// Raw G.711 mu-law (telephony, e.g. Twilio).
    case mulaw(sampleRate: Int = 8000)
    /// Raw G.711 A-law.
    case alaw(sampleRate: Int = 8000)

    /// The IANA media type of audio in this format.
    public var mimeType: String {
        switch self {
        case .mp3: "audio/mpeg"
        case .opus: "audio/ogg"
        case .aac: "audio/aac"
        case .flac: "audio/flac"
        case .wav: "audio/wav"
        case .pcm16(let rate): "audio/L16;rate=\(rate)"
        case .mulaw: "audio/basic"
        case .alaw: "audio/x-alaw-basic"
        }
    }

    /// The usual file extension (without the dot).
    public var fileExtension: String {
        switch self {
        case .mp3: "mp3"
        case .opus: "ogg"
        case .aac: "aac"
        case .flac: "flac"
        case .wav: "wav"
        case .pcm16: "pcm"
        case .mulaw: "ulaw"
        case .alaw: "alaw"
        }
    }

    /// Parses `mp3`, `opus`, `aac`, `flac`, `wav`, `pcm` (24 kHz), `mulaw`, `alaw`, or ElevenLabs-style
    /// `codec_rate[_kbps]` names: `mp3_44100_128`, `opus_48000_64`, `pcm_16000`, `wav_24000`, `ulaw_8000`,
    /// `alaw_8000`. Nil for anything else.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "_").map(String.init)
        guard let codec = parts.first, parts.count <= 3 else { return nil }
        var numbers: [Int] = []
        for p in parts.dropFirst() {
            guard let n = Int(p), n > 0 else { return nil }
            numbers.append(n)
        }
        let rate = numbers.first
        let kbps = numbers.count > 1 ? numbers[1] * 1000 : nil
        switch (codec, numbers.count) {
        case ("mp3", _): self = .mp3(sampleRate: rate, bitrate: kbps)
        case ("opus", _): self = .opus(sampleRate: rate, bitrate: kbps)
        case ("aac", 0): self = .aac
        case ("flac", 0...1): self = .flac(sampleRate: rate)
        case ("wav", 0...1): self = .wav(sampleRate: rate)
        case ("pcm", 0...1), ("pcm16", 0...1), ("linear16", 0...1): self = .pcm16(sampleRate: rate ?? 24000)
        case ("ulaw", 0...1), ("mulaw", 0...1): self = .mulaw(sampleRate: rate ?? 8000)
        case ("alaw", 0...1): self = .alaw(sampleRate: rate ?? 8000)
        default: return nil
        }
    }
}

/// ElevenLabs voice settings, applied to one request (they override the voice's stored settings).
public struct VoiceSettings: Sendable, Hashable, Codable {
    /// 0...1: lower is more expressive, higher more monotonous.
    public var stability: Double?
    /// 0...1: how closely to adhere to the original voice.
    public var similarityBoost: Double?
    /// Style exaggeration; costs latency above 0.
    public var style: Double?
    /// Boosts similarity to the original speaker, at some latency.
    public var useSpeakerBoost: Bool?
    /// 1.0 is normal speed.
    public var speed: Double?

    public init(
        stability: Double? = nil, similarityBoost: Double? = nil, style: Double? = nil, useSpeakerBoost: Bool? = nil,
        speed: Double? = nil
    ) {
        self.stability = stability
        self.similarityBoost = similarityBoost
        self.style = style
        self.useSpeakerBoost = useSpeakerBoost
        self.speed = speed
    }
}

/// Text to speech for one text.
public struct SpeechRequest: Sendable, Hashable, Codable {
    /// `provider/model`: `elevenlabs/eleven_multilingual_v2`, `openai/gpt-4o-mini-tts`,
    /// `deepgram/aura-2-thalia-en` (Deepgram's model names the voice), `gemini/gemini-2.5-flash-preview-tts`,
    /// `gemini/gemini-3.8-flash-tts`, `vertex/gemini-2.5-flash-tts`.
    public var model: String
    public var text: String
    /// The voice: an ElevenLabs voice id, an OpenAI voice name (`alloy`, `coral`, ...), a Gemini voice (`Kore`,
    /// `Puck`, ...; on Gemini 3.8 TTS also a designed `voice_...` id); not used by Deepgram.
    public var voice: String?
    /// The audio encoding (MP3 by default, with the provider's default rate and bitrate).
    public var format: AudioFormat
    /// How to speak: tone, accent, pace (OpenAI gpt-4o-mini-tts, not tts-1 or tts-1-hd; Gemini TTS).
    public var instructions: String?
    /// 1.0 is normal (OpenAI 0.25...4; ElevenLabs sends it as `voice_settings.speed`).
    public var speed: Double?
    /// ElevenLabs voice settings.
    public var voiceSettings: VoiceSettings?
    /// ISO 639-1 language to enforce (ElevenLabs `language_code`, models that support it).
    public var language: String?
    /// Best-effort determinism (ElevenLabs, 0...4294967295).
    public var seed: Int?
    /// `true` asks for token usage where it costs a different transport: OpenAI gpt-4o-mini-tts then streams
    /// Server-Sent Events (`stream_format: "sse"`, base64 audio deltas and a final event with usage) instead of
    /// raw audio; `SpeechAudio.usage` carries the tokens. tts-1 and tts-1-hd cannot (a warning says so and raw
    /// audio is requested). Gemini always reports usage; other providers report none.
    public var includeUsage: Bool?

    public init(
        model: String, text: String, voice: String? = nil, format: AudioFormat = .mp3(), instructions: String? = nil,
        speed: Double? = nil, voiceSettings: VoiceSettings? = nil, language: String? = nil, seed: Int? = nil,
        includeUsage: Bool? = nil
    ) {
        self.model = model
        self.text = text
        self.voice = voice
        self.format = format
        self.instructions = instructions
        self.speed = speed
        self.voiceSettings = voiceSettings
        self.language = language
        self.seed = seed
        self.includeUsage = includeUsage
    }
}

/// Per-character timings of synthesized speech (ElevenLabs `/with-timestamps`).
public struct SpeechAlignment: Sendable, Hashable, Codable {
    /// One character and when it is spoken, in seconds from the start of the audio.
    public struct Character: Sendable, Hashable, Codable {
        public var character: String
        public var start: Double
        public var end: Double

        public init(character: String, start: Double, end: Double) {
            self.character = character
            self.start = start
            self.end = end
        }
    }

    public var characters: [Character]

    public init(characters: [Character]) { self.characters = characters }

    /// The characters joined: the text the timings belong to.
    public var text: String { characters.map(\.character).joined() }
}

/// Synthesized audio with what the provider reported about it.
public struct SpeechAudio: Sendable, Hashable, Codable {
    public var provider: String
    public var model: String
    /// The encoded audio, exactly as the provider sent it.
    public var audio: [UInt8]
    /// The format that was requested (and that the audio is in).
    public var format: AudioFormat
    /// The response's `content-type`, else the format's MIME type.
    public var mimeType: String
    public var requestID: String?
    /// Billed characters, when the provider reports them (ElevenLabs `character-cost`, Deepgram `dg-char-count`).
    public var characters: Int?
    /// Tokens, when the provider reports them.
    public var usage: Usage?
    /// Timings of the original text (`speakWithTimestamps`).
    public var alignment: SpeechAlignment?
    /// Timings of the text as the provider normalized it (numbers spelled out, ...).
    public var normalizedAlignment: SpeechAlignment?
    public var warnings: [Warning]

    public init(
        provider: String, model: String, audio: [UInt8], format: AudioFormat, mimeType: String? = nil,
        requestID: String? = nil, characters: Int? = nil, usage: Usage? = nil, alignment: SpeechAlignment? = nil,
        normalizedAlignment: SpeechAlignment? = nil, warnings: [Warning] = []
    ) {
        self.provider = provider
        self.model = model
        self.audio = audio
        self.format = format
        self.mimeType = mimeType ?? format.mimeType
        self.requestID = requestID
        self.characters = characters
        self.usage = usage
        self.alignment = alignment
        self.normalizedAlignment = normalizedAlignment
        self.warnings = warnings
    }
}

/// A voice a provider offers.
public struct Voice: Sendable, Hashable, Codable {
    /// What to pass as `SpeechRequest.voice`.
    public var id: String
    public var name: String
    /// ElevenLabs: `premade`, `cloned`, `generated`, `professional`, ...
    public var category: String?
    public var description: String?
    /// Free-form labels (ElevenLabs: accent, age, gender, use_case, ...).
    public var labels: [String: String]
    /// A sample recording.
    public var previewURL: String?

    public init(
        id: String, name: String, category: String? = nil, description: String? = nil, labels: [String: String] = [:],
        previewURL: String? = nil
    ) {
        self.id = id
        self.name = name
        self.category = category
        self.description = description
        self.labels = labels
        self.previewURL = previewURL
    }
}
