@_spi(LLMKitInternal) import LLMKitCore

/// Gemini API `models/{m}:batchEmbedContents` (no usage is reported).
package struct GeminiEmbeddings: EmbeddingDialect {
    /// vercel/ai's Google provider splits at 100 (`maxEmbeddingsPerCall`); Google documents no other number.
    package var batchLimit: Int { 100 }

    static func taskType(_ t: EmbeddingInputType) -> JSONValue {
        t == .query ? "RETRIEVAL_QUERY" : "RETRIEVAL_DOCUMENT"
    }

    package func makeRequest(_ inputs: [String], _ r: EmbeddingRequest, model: String, warnings: inout [Warning])
        throws(LLMError) -> WireRequest
    {
        let requests: [JSONValue] = inputs.map { text in
            var o: [(key: String, value: JSONValue)] = [
                ("model", .string("models/" + model)), ("content", ["parts": [["text": .string(text)]]]),
            ]
            if let type = r.inputType { o.append(("taskType", Self.taskType(type))) }
            if let d = r.dimensions { o.append(("outputDimensionality", .int(d))) }
            return .object(o)
        }
        return WireRequest(
            path: "/v1beta/models/\(model.addingPercentEncodingForPath):batchEmbedContents",
            body: ["requests": .array(requests)])
    }

    package func parse(_ t: JSONTape, count: Int, provider: String) throws(LLMError) -> (
        vectors: [[Float]], tokens: Int?
    ) {
        var vectors: [[Float]] = []
        if let list = t.member(t.root, "embeddings") {
            t.forEachElement(list) { e in
                if let v = t.member(e, "values").flatMap({ EmbeddingVectors.read(t, $0) }) { vectors.append(v) }
            }
        }
        guard vectors.count == count else {
            throw LLMError(
                .decoding, "\(provider) answered with \(vectors.count) embeddings for \(count) inputs",
                provider: provider)
        }
        return (vectors, nil)
    }
}

/// Vertex AI `publishers/google/models/{m}:predict` for text-embedding models.
package struct VertexEmbeddings: EmbeddingDialect {
    let project: String
    let location: String
    let model: String

    /// "up to 250 input texts per request"; gemini-embedding-001 takes one
    /// (cloud.google.com/vertex-ai/generative-ai/docs/embeddings/get-text-embeddings).
    package var batchLimit: Int { model.hasPrefix("gemini-embedding") ? 1 : 250 }

    package func makeRequest(_ inputs: [String], _ r: EmbeddingRequest, model: String, warnings: inout [Warning])
        throws(LLMError) -> WireRequest
    {
        let instances: [JSONValue] = inputs.map { text in
            var o: [(key: String, value: JSONValue)] = [("content", .string(text))]
            if let type = r.inputType { o.append(("task_type", GeminiEmbeddings.taskType(type))) }
            return .object(o)
        }
        var body: [(key: String, value: JSONValue)] = [("instances", .array(instances))]
        if let d = r.dimensions { body.append(("parameters", ["outputDimensionality": .int(d)])) }
        return WireRequest(
            path:
                "/v1/projects/\(project)/locations/\(location)/publishers/google/models/\(model.addingPercentEncodingForPath):predict",
            body: .object(body))
    }

    package func parse(_ t: JSONTape, count: Int, provider: String) throws(LLMError) -> (
        vectors: [[Float]], tokens: Int?
    ) {
        var vectors: [[Float]] = []
        var tokens: Int?
        if let list = t.member(t.root, "predictions") {
            t.forEachElement(list) { p in
                guard let e = t.member(p, "embeddings") else { return }
                if let v = t.member(e, "values").flatMap({ EmbeddingVectors.read(t, $0) }) { vectors.append(v) }
                if let n = t.member(e, "statistics").flatMap({ t.member($0, "token_count") }).flatMap(t.int) {
                    tokens = (tokens ?? 0) + n
                }
            }
        }
        guard vectors.count == count else {
            throw LLMError(
                .decoding, "\(provider) answered with \(vectors.count) embeddings for \(count) inputs",
                provider: provider)
        }
        return (vectors, tokens)
    }
}

/// Cohere `POST /v2/embed`.
package struct CohereEmbeddings: EmbeddingDialect {
    /// "Maximum number of texts per call is 96" (docs.cohere.com/reference/embed).
    package var batchLimit: Int { 96 }

    package func makeRequest(_ inputs: [String], _ r: EmbeddingRequest, model: String, warnings: inout [Warning])
        throws(LLMError) -> WireRequest
    {
        var body: [(key: String, value: JSONValue)] = [
            ("model", .string(model)), ("texts", .array(inputs.map(JSONValue.string))),
            ("input_type", r.inputType == .document ? "search_document" : "search_query"),
            ("embedding_types", ["float"]),
        ]
        if r.inputType == nil {
            warnings.append(
                Warning(
                    code: "parameter_defaulted",
                    message:
                        "Cohere requires an input type: sent 'search_query' (set inputType to .document for documents)")
            )
        }
        if let d = r.dimensions { body.append(("output_dimension", .int(d))) }
        return WireRequest(path: "/v2/embed", body: .object(body))
    }

    package func parse(_ t: JSONTape, count: Int, provider: String) throws(LLMError) -> (
        vectors: [[Float]], tokens: Int?
    ) {
        var vectors: [[Float]] = []
        if let e = t.member(t.root, "embeddings"), let floats = t.member(e, "float") {
            t.forEachElement(floats) { v in if let x = EmbeddingVectors.read(t, v) { vectors.append(x) } }
        }
        guard vectors.count == count else {
            throw LLMError(
                .decoding, "\(provider) answered with \(vectors.count) embeddings for \(count) inputs",
                provider: provider)
        }
        let tokens = t.member(t.root, "meta").flatMap { t.member($0, "billed_units") }
            .flatMap { t.member($0, "input_tokens") }.flatMap(t.int)
        return (vectors, tokens)
    }
}
