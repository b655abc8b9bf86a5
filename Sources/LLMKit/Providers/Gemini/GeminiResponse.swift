@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

extension GeminiDialect {
    static func finishReason(_ t: JSONTape, _ i: Int) -> FinishReason? {
        guard t.kind(i) == .string else { return nil }
        if t.stringEquals(i, "STOP") { return .stop }
        if t.stringEquals(i, "MAX_TOKENS") { return .length }
        for s: StaticString in ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]
        where t.stringEquals(i, s) {
            return .contentFilter
        }
        if t.stringEquals(i, "MALFORMED_FUNCTION_CALL") { return .error }
        return .other(t.string(i) ?? "")
    }

    static func usage(_ t: JSONTape, _ u: Int) -> Usage {
        let thoughts = t.member(u, "thoughtsTokenCount").flatMap(t.int)
        return Usage(
            inputTokens: t.member(u, "promptTokenCount").flatMap(t.int) ?? 0,
            outputTokens: (t.member(u, "candidatesTokenCount").flatMap(t.int) ?? 0) + (thoughts ?? 0),
            reasoningTokens: thoughts,
            cacheReadTokens: t.member(u, "cachedContentTokenCount").flatMap(t.int))
    }

    /// Reads one response object (whole, or one stream chunk) into `b`.
    static func read(
        _ t: JSONTape, into b: inout ResponseBuilder, calls: inout Int, _ out: inout [StreamEvent]
    ) throws(LLMError) {
        let root = t.root
        if b.id == nil { b.id = t.member(root, "responseId").flatMap(t.string) }
        if let m = t.member(root, "modelVersion").flatMap(t.string) { b.model = m }
        if let u = t.member(root, "usageMetadata") {
            let usage = usage(t, u)
            b.usage = usage
        }
        guard let cands = t.member(root, "candidates"), let cand = t.firstElement(cands) else {
            if let fb = t.member(root, "promptFeedback"), let reason = t.member(fb, "blockReason") {
                b.finishReason = .contentFilter
                b.warnings.append(
                    Warning(code: "prompt_blocked", message: "Gemini blocked the prompt: \(t.string(reason) ?? "")"))
            }
            return
        }
        if let content = t.member(cand, "content"), let parts = t.member(content, "parts") {
            var failure: LLMError?
            t.forEachElement(parts) { p in
                guard failure == nil else { return }
                let signature = t.member(p, "thoughtSignature").flatMap(t.string)
                if let fc = t.member(p, "functionCall") {
                    let realID = t.member(fc, "id").flatMap(t.string)
                    let block = b.startTool(
                        id: realID ?? "\(syntheticIDPrefix)\(calls)",
                        name: t.member(fc, "name").flatMap(t.string) ?? "",
                        arguments: t.member(fc, "args").map { t.rawText($0) } ?? "{}", signature: signature,
                        itemID: realID, &out)
                    calls += 1
                    b.completeTool(block, &out)
                } else if let textToken = t.member(p, "text") {
                    guard let text = t.string(textToken) else {
                        failure = LLMError(
                            .decoding, "Gemini sent text that is not valid UTF-8", provider: b.context.provider)
                        return
                    }
                    let thought = t.member(p, "thought").flatMap(t.bool) ?? false
                    if thought {
                        b.reasoning(text, &out)
                        if let signature { b.setReasoningSignature(signature) }
                    } else {
                        b.text(text, &out)
                        if let signature {
                            b.reasoningPart(
                                ReasoningPart(text: "", provider: b.context.family, signature: signature), &out)
                        }
                    }
                } else if let signature {
                    b.reasoningPart(ReasoningPart(text: "", provider: b.context.family, signature: signature), &out)
                }
            }
            if let failure { throw failure }
        }
        if let f = t.member(cand, "finishReason") { b.finishReason = finishReason(t, f) }
    }

    package func parseResponse(_ t: JSONTape, context: CallContext) throws(LLMError) -> ChatResponse {
        var b = ResponseBuilder(context: context)
        var sink: [StreamEvent] = []
        var calls = 0
        guard t.kind(t.root) == .object else {
            throw LLMError(
                .decoding, "Gemini answered with something other than a JSON object", provider: context.provider)
        }
        try Self.read(t, into: &b, calls: &calls, &sink)
        return b.build(&sink)
    }

    package func makeTranslator(context: CallContext) -> any StreamTranslator {
        GeminiTranslator(context: context)
    }

    package func mapError(status: Int, headers: HTTPHeaders, body: [UInt8], context: CallContext) -> LLMError {
        var e = ErrorMapping.map(
            status: status, headers: headers, body: body, provider: context.provider, model: context.model,
            keyVariable: vertex == nil ? "GEMINI_API_KEY" : "VERTEX_ACCESS_TOKEN")
        // Gemini reports a bad key as 400 INVALID_ARGUMENT with reason API_KEY_INVALID.
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        if status == 400, text.contains("API_KEY_INVALID") || text.contains("API key not valid") {
            e.kind = .authentication
            e.message += " (check GEMINI_API_KEY)"
        }
        return e
    }
}

/// Gemini stream chunks: each is a whole `GenerateContentResponse` with
/// complete parts; usage is a running total (the last one wins).
final class GeminiTranslator: StreamTranslator {
    @exclusivity(unchecked) private var b: ResponseBuilder
    @exclusivity(unchecked) private var tape = JSONTape()
    private var calls = 0

    init(context: CallContext) { b = ResponseBuilder(context: context) }

    var partialUsage: Usage? { b.usage }

    func consume(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, into out: inout [StreamEvent])
        throws(LLMError)
    {
        try parse(data, into: &tape, provider: b.context.provider)
        if let e = tape.member(tape.root, "error") {
            let message = tape.member(e, "message").flatMap(tape.string) ?? tape.rawText(e)
            throw LLMError(.server, "Gemini reported an error mid-stream: \(message)", provider: b.context.provider)
        }
        try GeminiDialect.read(tape, into: &b, calls: &calls, &out)
    }

    func finish(into out: inout [StreamEvent]) throws(LLMError) -> ChatResponse {
        guard b.finishReason != nil else {
            throw LLMError(
                .network, "the Gemini stream ended before a finishReason (truncated)", provider: b.context.provider)
        }
        if let u = b.usage { out.append(.usage(u)) }
        return b.build(&out)
    }
}
