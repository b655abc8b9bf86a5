@_spi(LLMKitInternal) import LLMKitCore

/// What a provider's token-counting endpoint reports for a request.
public struct TokenCount: Sendable, Hashable, Codable {
    /// Input tokens the request would use (system, messages and tools).
    public var inputTokens: Int
    /// Vertex AI: billable characters, where reported.
    public var billableCharacters: Int?

    public init(inputTokens: Int, billableCharacters: Int? = nil) {
        self.inputTokens = inputTokens
        self.billableCharacters = billableCharacters
    }
}

extension LLMKit {
    /// Counts the input tokens of `request` with the provider's own endpoint, without generating:
    /// Anthropic `messages/count_tokens`, and Gemini and Vertex AI `:countTokens`. Other providers
    /// (Claude on Vertex included) throw `unsupported`.
    public func countTokens(_ request: ChatRequest) async throws(LLMError) -> TokenCount {
        let id = try ModelID(parsing: request.model)
        let chat = try prepare(request, stream: false)
        guard case .object(let members) = try JSONValue.parse(chat.body, provider: id.provider) else {
            throw LLMError(.invalidRequest, "the request body is not an object", provider: id.provider)
        }
        let path: String
        var body: JSONValue
        switch chat.endpoint.info.wire {
        case .anthropic:
            let kept: Set<String> = ["model", "messages", "system", "tools", "tool_choice", "thinking"]
            path = "/v1/messages/count_tokens"
            body = .object(members.filter { kept.contains($0.key) })
        case .gemini, .vertex:
            guard let colon = chat.url.lastIndex(of: ":"), chat.url[colon...].hasPrefix(":generateContent") else {
                throw LLMError(.invalidRequest, "cannot derive the countTokens URL", provider: id.provider)
            }
            let base = String(chat.url[..<colon]).dropFirst(chat.endpoint.baseURL.count)
            path = base + ":countTokens"
            let kept: Set<String> = ["contents", "systemInstruction", "tools"]
            let content = members.filter { kept.contains($0.key) }
            if chat.endpoint.info.wire == .gemini, content.contains(where: { $0.key != "contents" }) {
                // The Gemini API takes system instructions and tools only inside generateContentRequest.
                body = ["generateContentRequest": .object([("model", .string("models/" + id.model))] + content)]
            } else {
                body = .object(content)
            }
        default:
            throw LLMError(
                .unsupported,
                "\(chat.endpoint.info.displayName) has no token-counting endpoint in LLMKit (anthropic, gemini and vertex have)",
                provider: id.provider)
        }
        var wire = WireRequest(path: path, body: body)
        if chat.endpoint.info.wire == .anthropic { wire.headers = [("anthropic-version", AnthropicDialect.version)] }
        let call = PreparedCall(
            endpoint: chat.endpoint, dialect: chat.dialect, context: chat.context, url: chat.endpoint.baseURL + path,
            headers: Self.headers(chat.endpoint, wire: wire, accept: "application/json"),
            body: JSONWriter.bytes(wire.body), model: nil, registry: registry)
        return try await retry.run { () async throws(LLMError) -> TokenCount in
            let t = try await self.send(call)
            guard let n = (t.member(t.root, "input_tokens") ?? t.member(t.root, "totalTokens")).flatMap(t.int) else {
                throw LLMError(
                    .decoding, "\(id.provider) answered without a token count: \(t.rawText(t.root).prefix(200))",
                    provider: id.provider)
            }
            return TokenCount(
                inputTokens: n, billableCharacters: t.member(t.root, "totalBillableCharacters").flatMap(t.int))
        }
    }
}

extension JSONValue {
    static func parse(_ bytes: [UInt8], provider: String) throws(LLMError) -> JSONValue {
        do { return try JSONValue(parsing: bytes) } catch {
            throw LLMError(.decoding, "internal: the request body does not parse: \(error)", provider: provider)
        }
    }
}
