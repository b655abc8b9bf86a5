import LLMKitCore
import NIOHTTP1

extension LLMKit {
    /// Embeds `request.inputs`, split into batches of the provider's documented limit and sent
    /// one batch at a time (each retried per `retry`). Vectors come back in input order.
    ///
    /// ```swift
    /// let r = try await llm.embed(EmbeddingRequest(model: "openai/text-embedding-3-small",
    ///                                              inputs: ["a cat", "a dog"], dimensions: 256))
    /// r.embeddings[0].count  // 256
    /// ```
    public func embed(_ request: EmbeddingRequest) async throws(LLMError) -> EmbeddingResponse {
        let id = try ModelID(parsing: request.model)
        guard !request.inputs.isEmpty else {
            throw LLMError(.invalidRequest, "nothing to embed: inputs is empty", provider: id.provider)
        }
        let endpoint = try endpoint(id.provider)
        let dialect = try embeddingDialect(endpoint, model: id.model)
        var vectors: [[Float]] = []
        vectors.reserveCapacity(request.inputs.count)
        var tokens: Int?
        var warnings: [Warning] = []
        var start = 0
        while start < request.inputs.count {
            let batch = Array(request.inputs[start..<min(start + dialect.batchLimit, request.inputs.count)])
            var batchWarnings: [Warning] = []
            let wire = try dialect.makeRequest(batch, request, model: id.model, warnings: &batchWarnings)
            for w in batchWarnings where !warnings.contains(w) { warnings.append(w) }
            let call = plainCall(
                endpoint, model: id.model, path: wire.path, body: JSONWriter.bytes(wire.body),
                errors: Self.embeddingErrors(endpoint.info.wire))
            let (v, n) = try await retry.run { () async throws(LLMError) -> ([[Float]], Int?) in
                let (tape, headers) = try await self.sendKeepingHeaders(call)
                let (v, n) = try dialect.parse(tape, count: batch.count, provider: id.provider)
                return (v, n ?? dialect.tokens(fromHeaders: headers))
            }
            vectors += v
            if let n { tokens = (tokens ?? 0) + n }
            start += batch.count
        }
        let usage = tokens.map { Usage(inputTokens: $0) }
        return EmbeddingResponse(
            model: id.model, provider: id.provider, embeddings: vectors, usage: usage,
            cost: usage.flatMap { registry.cost(of: $0, model: request.model) }, warnings: warnings)
    }

    /// The error mapping of a provider's embeddings calls: its chat dialect's where it knows more
    /// (Cohere's envelope, Bedrock's `x-amzn-errortype`), else the shared one.
    static func embeddingErrors(_ wire: ProviderInfo.Wire) -> any ChatDialect {
        switch wire {
        case .cohere: CohereDialect()
        case .bedrock: BedrockDialect()
        default: OpenAIChatDialect(quirks: CompatibleQuirks())
        }
    }

    /// OpenAI-compatible providers that document a `/embeddings` route (docs/providers/openai-compatible.md).
    static let compatibleEmbeddings: Set<String> = [
        "mistral", "voyage", "jina", "together", "deepinfra", "nebius", "openrouter", "lighton", "local", "ollama",
        "lmstudio", "vllm",
    ]

    /// Whether `LLMKit.embed` serves `info` (for listings; the call itself decides the same way).
    public static func offersEmbeddings(_ info: ProviderInfo) -> Bool {
        switch info.wire {
        case .openAI, .azure, .gemini, .vertex, .cohere, .bedrock: true
        case .openAICompatible: compatibleEmbeddings.contains(info.id)
        case .anthropic, .vertexAnthropic, .vertexEndpoint, .replicate, .deepgram, .elevenlabs, .fal, .runware, .luma,
            .assemblyAI, .stability:
            false
        }
    }

    /// Whether `LLMKit.countTokens` serves `info`.
    public static func offersTokenCounting(_ info: ProviderInfo) -> Bool {
        switch info.wire {
        case .anthropic, .gemini, .vertex: true
        default: false
        }
    }

    /// The embeddings wire of a provider, or `unsupported` when it has none in LLMKit.
    func embeddingDialect(_ endpoint: Endpoint, model: String) throws(LLMError) -> any EmbeddingDialect {
        let id = endpoint.info.id
        switch endpoint.info.wire {
        case .openAI: return OpenAIEmbeddings()
        case .azure:
            let version = environment["AZURE_OPENAI_API_VERSION"]?.trimmedWhitespace ?? ""
            var d = OpenAIEmbeddings()
            d.path =
                version.isEmpty
                ? "/openai/v1/embeddings"
                : "/openai/deployments/\(model.addingPercentEncodingForPath)/embeddings?api-version=\(version)"
            return d
        case .gemini: return GeminiEmbeddings()
        case .vertex:
            guard case .vertex(let c) = endpoint.auth else { break }
            return VertexEmbeddings(project: c.project, location: c.location, model: model)
        case .cohere: return CohereEmbeddings()
        case .bedrock:
            guard let family = BedrockEmbeddings.family(of: model) else {
                throw LLMError(
                    .unsupported,
                    "LLMKit embeds on Bedrock with Amazon Titan Text Embeddings (amazon.titan-embed-text-v2:0) and Cohere Embed (cohere.embed-v4:0, cohere.embed-english-v3, cohere.embed-multilingual-v3), chosen from the model id; '\(model)' names neither: use one of those ids or a system inference profile id such as us.cohere.embed-v4:0",
                    provider: id)
            }
            return BedrockEmbeddings(family: family)
        case .openAICompatible:
            guard Self.compatibleEmbeddings.contains(id) || additionalProviders.contains(where: { $0.id == id }) else {
                break
            }
            var d = OpenAIEmbeddings()
            switch id {
            case "mistral":
                d.dimensionsField = "output_dimension"
                d.batchLimit = 128  // not documented; LLMKit splits at 128
            case "voyage":
                // "The list must not contain more than 1,000 texts" (docs.voyageai.com/reference/embeddings-api).
                d.batchLimit = 1000
                d.dimensionsField = "output_dimension"
                d.inputType = { ("input_type", .string($0.rawValue)) }
            case "jina":
                d.batchLimit = 128  // not documented; LLMKit splits at 128
                d.inputType = { ("task", $0 == .query ? "retrieval.query" : "retrieval.passage") }
            case "local", "ollama", "lmstudio", "vllm", "latamgpt", "chatlaw":
                d.batchLimit = 256
            default:
                d.batchLimit = 128
            }
            return d
        case .anthropic, .vertexAnthropic, .vertexEndpoint, .replicate, .deepgram, .elevenlabs, .fal, .runware,
            .luma, .assemblyAI, .stability:
            break
        }
        throw unsupported(
            endpoint, "embeddings",
            use: "openai, gemini, vertex, bedrock, mistral, cohere, voyage, jina or a local server")
    }
}
