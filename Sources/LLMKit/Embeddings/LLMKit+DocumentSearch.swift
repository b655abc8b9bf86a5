@_spi(LLMKitInternal) import LLMKitCore

extension LLMKit {
    /// Searches the documents stored at the provider and returns ranked passages, without
    /// generation. LightOn Paradigm only: `POST /api/v3/search` at the instance root (the
    /// `/api/v2` of `PARADIGM_BASE_URL` is dropped), body as LightOn's official SDKs send it
    /// (nil options are left out, so the server's defaults apply).
    public func searchDocuments(_ request: DocumentSearchRequest) async throws(LLMError) -> DocumentSearchResponse {
        let endpoint = try endpoint(request.provider)
        guard endpoint.info.id == "lighton" else {
            throw unsupported(endpoint, "document search", use: "provider \"lighton\" (LightOn Paradigm)")
        }
        let provider = endpoint.info.id
        let body = try Self.documentSearchBody(request, provider: provider)
        var call = plainCall(endpoint, model: "", path: "/api/v3/search", body: JSONWriter.bytes(body))
        call.url = Self.instanceRoot(endpoint.baseURL) + "/api/v3/search"
        return try await retry.run { () async throws(LLMError) -> DocumentSearchResponse in
            let t = try await self.send(call)
            return try Self.parseDocumentSearch(t, provider: provider)
        }
    }

    /// `https://host/api/v2` -> `https://host`; any other base URL is kept as it is.
    package static func instanceRoot(_ base: String) -> String {
        var s = Substring(base)
        while s.hasSuffix("/") { s = s.dropLast() }
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > 4, parts[parts.count - 2] == "api", let v = parts.last, v.count > 1, v.first == "v",
            v.dropFirst().allSatisfy(\.isNumber)
        {
            s = s.dropLast(v.count + 5)
        }
        return String(s)
    }

    static func documentSearchBody(_ r: DocumentSearchRequest, provider: String) throws(LLMError) -> JSONValue {
        func invalid(_ message: String) -> LLMError { LLMError(.invalidRequest, message, provider: provider) }
        guard !r.query.isEmpty else { throw invalid("the search query is empty") }
        if r.fileIDs != nil, r.workspaceIDs != nil || r.tagIDs != nil {
            throw invalid("fileIDs cannot be combined with workspaceIDs or tagIDs (LightOn rejects it); pick one scope")
        }
        if let n = r.maxResults, !(1...100).contains(n) {
            throw invalid("maxResults must be 1 to 100 (got \(n))")
        }
        var body: [(key: String, value: JSONValue)] = [("query", .string(r.query))]
        func ids(_ key: String, _ v: [Int]?) { if let v { body.append((key, .array(v.map { .int($0) }))) } }
        func strings(_ key: String, _ v: [String]?) { if let v { body.append((key, .array(v.map(JSONValue.string)))) } }
        ids("workspace_id", r.workspaceIDs)
        ids("tag_id", r.tagIDs)
        ids("file_id", r.fileIDs)
        strings("content_type", r.contentTypes)
        strings("attribute", r.attributes)
        if let n = r.maxResults { body.append(("max_results", .int(n))) }
        if let m = r.mode { body.append(("mode", .string(m.rawValue))) }
        if let s = r.relevanceScoring { body.append(("relevance_scoring", .string(s.rawValue))) }
        if let b = r.includeImage { body.append(("include_image", .bool(b))) }
        if let b = r.includeBoundingBoxes { body.append(("include_bboxes", .bool(b))) }
        return .object(body)
    }

    static func parseDocumentSearch(_ t: JSONTape, provider: String) throws(LLMError) -> DocumentSearchResponse {
        func bad(_ what: String) -> LLMError {
            LLMError(
                .decoding, "\(provider) search answer without \(what): \(t.rawText(t.root).prefix(200))",
                provider: provider)
        }
        guard let list = t.member(t.root, "results") else { throw bad("results[]") }
        var results: [DocumentPassage] = []
        var missing: String?
        t.forEachElement(list) { r in
            func str(_ o: Int?, _ k: StaticString) -> String? { o.flatMap { t.member($0, k) }.flatMap(t.string) }
            func num(_ o: Int?, _ k: StaticString) -> Double? { o.flatMap { t.member($0, k) }.flatMap(t.double) }
            func int(_ o: Int?, _ k: StaticString) -> Int? { o.flatMap { t.member($0, k) }.flatMap(t.int) }
            let src = t.member(r, "source")
            guard let id = str(r, "chunk_id"), let fileID = int(src, "file_id"), let filename = str(src, "filename")
            else {
                missing = missing ?? "chunk_id or source.file_id/filename"
                return
            }
            // The current API: `score` is a number and `scores` the signals; older versions
            // (LightOn's API reference example) had `score: {retrieval, reranking}`.
            var scores = DocumentPassage.Scores()
            var score = num(r, "score")
            if let s = t.member(r, "scores") {
                scores.text = num(s, "text")
                scores.vision = num(s, "vision")
                scores.keyword = num(s, "keyword")
                scores.multivector = num(s, "multivector")
                scores.relevance = num(s, "relevance")
            }
            if score == nil, let legacy = t.member(r, "score") {
                scores.retrieval = num(legacy, "retrieval")
                scores.reranking = num(legacy, "reranking")
                score = scores.reranking ?? scores.retrieval
            }
            var tags: [String] = []
            if let list = src.flatMap({ t.member($0, "tags") }) {
                t.forEachElement(list) { if let n = str($0, "name") { tags.append(n) } }
            }
            let external = src.flatMap { t.member($0, "external_metadata") }
            let source = DocumentPassage.Source(
                fileID: fileID, filename: filename, title: str(src, "title"), fileType: str(src, "mime_type"),
                sizeBytes: int(src, "size_bytes"), pageStart: int(src, "page_start"), pageEnd: int(src, "page_end"),
                totalPages: int(src, "total_pages"), tags: tags, externalID: str(external, "external_id"),
                externalURL: str(external, "external_url"))
            var boxes: [DocumentPassage.BoundingBox]?
            if let list = t.member(r, "bboxes") {
                var all: [DocumentPassage.BoundingBox] = []
                t.forEachElement(list) { b in
                    if let p = int(b, "page_number"), let x = num(b, "x"), let y = num(b, "y"),
                        let w = num(b, "width"), let h = num(b, "height")
                    {
                        all.append(.init(page: p, x: x, y: y, width: w, height: h))
                    }
                }
                boxes = all
            }
            let workspace = t.member(r, "workspace")
            results.append(
                DocumentPassage(
                    id: id, content: str(r, "content"), score: score, scores: scores, source: source,
                    workspaceID: int(workspace, "id"), workspaceName: str(workspace, "name"),
                    imageBase64: str(t.member(r, "image"), "b64_content"), boundingBoxes: boxes))
        }
        if let missing { throw bad(missing) }
        var warnings: [String] = []
        if let list = t.member(t.root, "warnings") {
            t.forEachElement(list) { w in
                guard let code = t.member(w, "code").flatMap(t.string) else { return }
                let reason = t.member(w, "reason").flatMap(t.string)
                warnings.append(reason.map { "\(code): \($0)" } ?? code)
            }
        }
        return DocumentSearchResponse(provider: provider, results: results, warnings: warnings)
    }
}
