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

/// Orders `documents` by relevance to `query`.
public struct RerankRequest: Sendable, Hashable, Codable {
    /// `provider/model`, e.g. `cohere/rerank-v3.5`.
    public var model: String
    public var query: String
    public var documents: [String]
    /// Return only the best `topN`.
    public var topN: Int?

    public init(model: String, query: String, documents: [String], topN: Int? = nil) {
        self.model = model
        self.query = query
        self.documents = documents
        self.topN = topN
    }
}

/// Documents by descending relevance.
public struct RerankResponse: Sendable, Hashable, Codable {
    public struct Result: Sendable, Hashable, Codable {
        /// Position in `RerankRequest.documents`.
        public var index: Int
        public var relevanceScore: Double

        public init(index: Int, relevanceScore: Double) {
            self.index = index
            self.relevanceScore = relevanceScore
        }
    }

    public var model: String
    public var provider: String
    public var results: [Result]
    /// Billed search units (Cohere), where reported.
    public var searchUnits: Int?

    public init(model: String, provider: String, results: [Result], searchUnits: Int? = nil) {
        self.model = model
        self.provider = provider
        self.results = results
        self.searchUnits = searchUnits
    }
}
