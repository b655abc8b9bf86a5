/// What LLMKit knows about one model: limits, modalities, capabilities and price.
/// Every fact was checked against its `source`; unknown is nil, never 0.
public struct ModelInfo: Sendable, Hashable, Codable {
    /// `provider/model`, as passed to `ChatRequest.model`.
    public var id: String
    public var provider: String
    public var name: String?
    /// `chat` or `embedding`.
    public var kind: String
    public var contextWindow: Int?
    public var maxOutput: Int?
    /// Input modalities: `text`, `image`, `audio`, `video`, `pdf`.
    public var input: [String]
    public var output: [String]
    public var capabilities: Capabilities
    public var price: ModelPrice?
    /// Where the limits and capabilities were read.
    public var source: String?
    /// Announced shutdown date (`YYYY-MM-DD`), if any.
    public var deprecated: String?
    public var note: String?

    public init(
        id: String, provider: String, name: String? = nil, kind: String = "chat", contextWindow: Int? = nil,
        maxOutput: Int? = nil, input: [String] = ["text"], output: [String] = ["text"],
        capabilities: Capabilities = Capabilities(), price: ModelPrice? = nil, source: String? = nil,
        deprecated: String? = nil, note: String? = nil
    ) {
        self.id = id
        self.provider = provider
        self.name = name
        self.kind = kind
        self.contextWindow = contextWindow
        self.maxOutput = maxOutput
        self.input = input
        self.output = output
        self.capabilities = capabilities
        self.price = price
        self.source = source
        self.deprecated = deprecated
        self.note = note
    }
}

/// What a model can do. nil: not checked.
public struct Capabilities: Sendable, Hashable, Codable {
    public var tools: Bool?
    public var jsonSchema: Bool?
    public var vision: Bool?
    public var reasoning: Bool?
    public var caching: Bool?

    public init(
        tools: Bool? = nil, jsonSchema: Bool? = nil, vision: Bool? = nil, reasoning: Bool? = nil, caching: Bool? = nil
    ) {
        self.tools = tools
        self.jsonSchema = jsonSchema
        self.vision = vision
        self.reasoning = reasoning
        self.caching = caching
    }
}

/// US dollars per million tokens. nil: not sold, or not known.
public struct ModelPrice: Sendable, Hashable, Codable {
    public var input: Double?
    public var output: Double?
    public var cacheRead: Double?
    /// Anthropic: the 5-minute cache write.
    public var cacheWrite: Double?
    public var cacheWrite1h: Double?
    /// Only where reasoning is billed at a rate other than output.
    public var reasoning: Double?
    /// Prices that apply when the prompt is longer than `threshold` tokens.
    public var longContext: LongContext?
    public var source: String?
    public var asOf: String?

    public struct LongContext: Sendable, Hashable, Codable {
        public var threshold: Int
        public var input: Double?
        public var output: Double?
        public var cacheRead: Double?

        public init(threshold: Int, input: Double? = nil, output: Double? = nil, cacheRead: Double? = nil) {
            self.threshold = threshold
            self.input = input
            self.output = output
            self.cacheRead = cacheRead
        }
    }

    public init(
        input: Double? = nil, output: Double? = nil, cacheRead: Double? = nil, cacheWrite: Double? = nil,
        cacheWrite1h: Double? = nil, reasoning: Double? = nil, longContext: LongContext? = nil, source: String? = nil,
        asOf: String? = nil
    ) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.cacheWrite1h = cacheWrite1h
        self.reasoning = reasoning
        self.longContext = longContext
        self.source = source
        self.asOf = asOf
    }

    /// The cost of `usage` in US dollars; nil when a price it needs is unknown.
    ///
    /// Cached reads and cache writes are billed at their own prices (falling back to nothing:
    /// a cached token with no known cache price makes the cost unknown). Reasoning tokens are
    /// part of `outputTokens` and billed as output unless a separate reasoning price exists.
    public func cost(of usage: Usage) -> Double? {
        var inputPrice = input
        var outputPrice = output
        var cachePrice = cacheRead
        if let long = longContext, usage.inputTokens > long.threshold {
            // Past the threshold only the long-context prices apply; one not listed is unknown.
            inputPrice = long.input
            outputPrice = long.output
            cachePrice = long.cacheRead
        }
        guard let inputPrice else { return nil }
        let cached = usage.cacheReadTokens ?? 0
        let written = usage.cacheWriteTokens ?? 0
        let plainInput = max(0, usage.inputTokens - cached - written)
        var total = Double(plainInput) * inputPrice
        if cached > 0 {
            guard let cachePrice else { return nil }
            total += Double(cached) * cachePrice
        }
        if written > 0 {
            guard let cacheWrite else { return nil }
            total += Double(written) * cacheWrite
        }
        guard usage.outputTokens > 0 else { return total / 1_000_000 }
        guard let outputPrice else { return nil }
        let reasoningTokens = usage.reasoningTokens ?? 0
        if let reasoning, reasoningTokens > 0 {
            total += Double(usage.outputTokens - reasoningTokens) * outputPrice + Double(reasoningTokens) * reasoning
        } else {
            total += Double(usage.outputTokens) * outputPrice
        }
        return total / 1_000_000
    }
}
