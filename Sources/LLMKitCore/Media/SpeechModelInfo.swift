/// A speech model a provider lists for the account (ElevenLabs `GET /v1/models`).
public struct SpeechModelInfo: Sendable, Hashable, Codable {
    public struct Language: Sendable, Hashable, Codable {
        /// The provider's language code (`en`, `pt`).
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// The model id to put after `provider/` in `SpeechRequest.model`.
    public var id: String
    public var name: String
    public var description: String?
    /// Whether the model turns text into speech (some listed models only convert voices).
    public var textToSpeech: Bool
    /// Whether it converts one voice into another (speech to speech).
    public var voiceConversion: Bool
    public var languages: [Language]
    /// The longest text one request may carry, in characters, for a subscribed account.
    public var maxCharacters: Int?
    /// The model's price relative to the base rate (ElevenLabs `token_cost_factor`).
    public var costFactor: Double?

    public init(
        id: String, name: String, description: String? = nil, textToSpeech: Bool, voiceConversion: Bool = false,
        languages: [Language] = [], maxCharacters: Int? = nil, costFactor: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.textToSpeech = textToSpeech
        self.voiceConversion = voiceConversion
        self.languages = languages
        self.maxCharacters = maxCharacters
        self.costFactor = costFactor
    }
}
