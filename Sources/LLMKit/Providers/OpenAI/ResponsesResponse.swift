@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

extension OpenAIResponsesDialect {
    /// Status of a response object: completed, incomplete (with reason) or failed.
    static func finishReason(_ t: JSONTape, _ response: Int) -> FinishReason? {
        guard let s = t.member(response, "status") else { return nil }
        if t.stringEquals(s, "completed") { return .stop }
        if t.stringEquals(s, "incomplete") {
            let reason = t.member(response, "incomplete_details").flatMap { t.member($0, "reason") }
            if let reason, t.stringEquals(reason, "max_output_tokens") { return .length }
            if let reason, t.stringEquals(reason, "content_filter") { return .contentFilter }
            return .other(reason.flatMap(t.string) ?? "incomplete")
        }
        if t.stringEquals(s, "failed") { return .error }
        if t.stringEquals(s, "in_progress") || t.stringEquals(s, "queued") { return nil }
        return .other(t.string(s) ?? "")
    }

    static func summaryText(_ t: JSONTape, _ item: Int) -> String {
        var parts: [String] = []
        if let summary = t.member(item, "summary") {
            t.forEachElement(summary) { s in
                if let text = t.member(s, "text").flatMap(t.string) { parts.append(text) }
            }
        }
        return parts.joined(separator: "\n\n")
    }

    /// Adds one finished output item.
    static func addItem(_ t: JSONTape, _ item: Int, to b: inout ResponseBuilder, _ out: inout [StreamEvent]) {
        guard let type = t.member(item, "type") else { return }
        if t.stringEquals(type, "message") {
            guard let content = t.member(item, "content") else { return }
            t.forEachElement(content) { c in
                if let text = t.member(c, "text").flatMap(t.string) { b.text(text, &out) }
                if let refusal = t.member(c, "refusal").flatMap(t.string) {
                    b.text(refusal, &out)
                    b.finishReason = .refusal
                }
            }
        } else if t.stringEquals(type, "reasoning") {
            b.reasoningPart(
                ReasoningPart(
                    text: summaryText(t, item), provider: b.context.family,
                    signature: t.member(item, "encrypted_content").flatMap(t.string),
                    itemID: t.member(item, "id").flatMap(t.string)), &out)
        } else if t.stringEquals(type, "function_call") {
            let block = b.startTool(
                id: t.member(item, "call_id").flatMap(t.string) ?? "",
                name: t.member(item, "name").flatMap(t.string) ?? "",
                arguments: t.member(item, "arguments").flatMap(t.string) ?? "",
                itemID: t.member(item, "id").flatMap(t.string), &out)
            b.completeTool(block, &out)
        }
    }

    package func parseResponse(_ t: JSONTape, context: CallContext) throws(LLMError) -> ChatResponse {
        var b = ResponseBuilder(context: context)
        var sink: [StreamEvent] = []
        let root = t.root
        guard let output = t.member(root, "output") else {
            throw LLMError(.decoding, "OpenAI answered without an output array", provider: context.provider)
        }
        b.id = t.member(root, "id").flatMap(t.string)
        if let m = t.member(root, "model").flatMap(t.string) { b.model = m }
        t.forEachElement(output) { item in Self.addItem(t, item, to: &b, &sink) }
        if b.finishReason == nil { b.finishReason = Self.finishReason(t, root) }
        b.usage = t.member(root, "usage").flatMap { OpenAIUsage.read(t, $0) }
        return b.build(&sink)
    }

    package func makeTranslator(context: CallContext) -> any StreamTranslator {
        ResponsesTranslator(context: context)
    }

}

/// Responses stream events: items by `output_index`, reasoning summaries and
/// text as deltas, function-call arguments as deltas, the whole item again on
/// `response.output_item.done` (where reasoning gets its `encrypted_content`).
final class ResponsesTranslator: StreamTranslator {
    @exclusivity(unchecked) private var b: ResponseBuilder
    @exclusivity(unchecked) private var tape = JSONTape()
    private var items: [Int: Int] = [:]  // output_index -> builder block
    private var summaryIndex: [Int: Int] = [:]  // output_index -> last summary_index seen
    private var done = false

    init(context: CallContext) { b = ResponseBuilder(context: context) }

    var partialUsage: Usage? { b.usage }

    func consume(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, into out: inout [StreamEvent])
        throws(LLMError)
    {
        try parse(data, into: &tape, provider: b.context.provider)
        let t = tape
        let root = t.root
        guard let type = t.member(root, "type") else { return }
        let index = t.member(root, "output_index").flatMap(t.int) ?? -1
        if t.stringEquals(type, "response.output_text.delta") || t.stringEquals(type, "response.refusal.delta") {
            if let d = t.member(root, "delta") { b.text(try t.text(d, provider: b.context.provider), &out) }
            if t.stringEquals(type, "response.refusal.delta") { b.finishReason = .refusal }
        } else if t.stringEquals(type, "response.function_call_arguments.delta") {
            if let d = t.member(root, "delta"), let block = items[index] {
                b.toolArguments(block, try t.text(d, provider: b.context.provider), &out)
            }
        } else if t.stringEquals(type, "response.reasoning_summary_text.delta")
            || t.stringEquals(type, "response.reasoning_text.delta")
        {
            guard let d = t.member(root, "delta") else { return }
            let delta = try t.text(d, provider: b.context.provider)
            let s = t.member(root, "summary_index").flatMap(t.int) ?? 0
            if let block = items[index] {
                if let last = summaryIndex[index], last != s { b.appendReasoning(at: block, "\n\n", &out) }
                summaryIndex[index] = s
                b.appendReasoning(at: block, delta, &out)
            }
        } else if t.stringEquals(type, "response.output_item.added") {
            guard let item = t.member(root, "item"), let it = t.member(item, "type") else { return }
            if t.stringEquals(it, "reasoning") {
                b.reasoningPart(
                    ReasoningPart(text: "", provider: b.context.family, itemID: t.member(item, "id").flatMap(t.string)),
                    &out)
                items[index] = b.lastBlockIndex
            } else if t.stringEquals(it, "function_call") {
                items[index] = b.startTool(
                    id: t.member(item, "call_id").flatMap(t.string) ?? "",
                    name: t.member(item, "name").flatMap(t.string) ?? "",
                    arguments: t.member(item, "arguments").flatMap(t.string) ?? "",
                    itemID: t.member(item, "id").flatMap(t.string), &out)
            }
        } else if t.stringEquals(type, "response.output_item.done") {
            guard let item = t.member(root, "item"), let it = t.member(item, "type"), let block = items[index] else {
                return
            }
            if t.stringEquals(it, "reasoning") {
                let encrypted = t.member(item, "encrypted_content").flatMap(t.string)
                let summary = OpenAIResponsesDialect.summaryText(t, item)
                b.updateReasoning(at: block) { r in
                    if let encrypted { r.signature = encrypted }
                    if r.text.isEmpty { r.text = summary }
                }
            } else if t.stringEquals(it, "function_call") {
                if let args = t.member(item, "arguments").flatMap(t.string) { b.setToolArguments(block, args) }
                b.completeTool(block, &out)
            }
        } else if t.stringEquals(type, "response.created") {
            if let r = t.member(root, "response") {
                b.id = t.member(r, "id").flatMap(t.string)
                if let m = t.member(r, "model").flatMap(t.string) { b.model = m }
            }
        } else if t.stringEquals(type, "response.completed") || t.stringEquals(type, "response.incomplete")
            || t.stringEquals(type, "response.failed")
        {
            done = true
            guard let r = t.member(root, "response") else { return }
            if let u = t.member(r, "usage"), let usage = OpenAIUsage.read(t, u) {
                b.usage = usage
                out.append(.usage(usage))
            }
            if b.finishReason != .refusal { b.finishReason = OpenAIResponsesDialect.finishReason(t, r) }
            if t.stringEquals(type, "response.failed") {
                let e = t.member(r, "error")
                let message = e.flatMap { t.member($0, "message") }.flatMap(t.string) ?? "the response failed"
                throw LLMError(
                    .server, "OpenAI reported a failed response: \(message)", provider: b.context.provider,
                    providerCode: e.flatMap { t.member($0, "code") }.flatMap(t.string))
            }
        } else if t.stringEquals(type, "error") {
            let e = t.member(root, "error") ?? root
            let message = t.member(e, "message").flatMap(t.string) ?? "unknown error"
            let code = t.member(e, "code").flatMap(t.string)
            throw LLMError(
                code == "rate_limit_exceeded" ? .rateLimited : .server,
                "OpenAI reported an error mid-stream: \(message)",
                provider: b.context.provider, providerCode: code)
        }
    }

    func finish(into out: inout [StreamEvent]) throws(LLMError) -> ChatResponse {
        guard done else {
            throw LLMError(
                .network, "the OpenAI stream ended before response.completed (truncated)", provider: b.context.provider)
        }
        return b.build(&out)
    }
}
