/// A request for vectors of `inputs`, in order.
public struct EmbeddingRequest: Sendable, Hashable, Codable {
    /// `provider/model`, e.g. `openai/text-embedding-3-small`.
    public var model: String
    public var inputs: [String]
    /// Requested vector length, for models that can shorten their output.
    public var dimensions: Int?
    /// What the text is for, for providers that embed queries and documents differently.
    public var inputType: EmbeddingInputType?

    public init(model: String, inputs: [String], dimensions: Int? = nil, inputType: EmbeddingInputType? = nil) {
        self.model = model
        self.inputs = inputs
        self.dimensions = dimensions
        self.inputType = inputType
    }
}

/// The role of embedded text in retrieval.
public enum EmbeddingInputType: String, Sendable, Hashable, Codable, CaseIterable {
    case query
    case document
}

/// Vectors for every input, in the order given.
public struct EmbeddingResponse: Sendable, Hashable, Codable {
    public var model: String
    public var provider: String
    public var embeddings: [[Float]]
    /// Input tokens, summed over batches; nil when the provider does not report them.
    public var usage: Usage?
    /// US dollars, nil when the price is unknown.
    public var cost: Double?
    public var warnings: [Warning]

    public init(
        model: String, provider: String, embeddings: [[Float]], usage: Usage?, cost: Double? = nil,
        warnings: [Warning] = []
    ) {
        self.model = model
        self.provider = provider
        self.embeddings = embeddings
        self.usage = usage
        self.cost = cost
        self.warnings = warnings
    }
}
