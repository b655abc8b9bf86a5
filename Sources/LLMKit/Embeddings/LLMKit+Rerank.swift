@_spi(LLMKitInternal) import LLMKitCore

extension LLMKit {
    /// Reranks documents with Cohere's `POST /v2/rerank`, the one rerank API LLMKit
    /// replays recorded traffic for; other providers throw `unsupported`.
    public func rerank(_ request: RerankRequest) async throws(LLMError) -> RerankResponse {
        let id = try ModelID(parsing: request.model)
        let endpoint = try endpoint(id.provider)
        guard endpoint.info.wire == .cohere else {
            throw unsupported(endpoint, "rerank", use: "cohere/rerank-v3.5")
        }
        guard !request.documents.isEmpty else {
            throw LLMError(.invalidRequest, "nothing to rerank: documents is empty", provider: id.provider)
        }
        var body: [(key: String, value: JSONValue)] = [
            ("model", .string(id.model)), ("query", .string(request.query)),
            ("documents", .array(request.documents.map(JSONValue.string))),
        ]
        if let n = request.topN { body.append(("top_n", .int(n))) }
        let call = plainCall(
            endpoint, model: id.model, path: "/v2/rerank", body: JSONWriter.bytes(.object(body)),
            errors: CohereDialect())
        let count = request.documents.count
        return try await retry.run { () async throws(LLMError) -> RerankResponse in
            let t = try await self.send(call)
            var results: [RerankResponse.Result] = []
            var bad = false
            if let list = t.member(t.root, "results") {
                t.forEachElement(list) { r in
                    guard let i = t.member(r, "index").flatMap(t.int), i >= 0, i < count,
                        let score = t.member(r, "relevance_score").flatMap(t.double)
                    else {
                        bad = true
                        return
                    }
                    results.append(.init(index: i, relevanceScore: score))
                }
            }
            if bad || t.member(t.root, "results") == nil {
                throw LLMError(
                    .decoding, "\(id.provider) answered without valid results[]: \(t.rawText(t.root).prefix(200))",
                    provider: id.provider)
            }
            let units = t.member(t.root, "meta").flatMap { t.member($0, "billed_units") }
                .flatMap { t.member($0, "search_units") }.flatMap(t.int)
            return RerankResponse(model: id.model, provider: id.provider, results: results, searchUnits: units)
        }
    }
}
