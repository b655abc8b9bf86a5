@_spi(LLMKitInternal) import LLMKitCore

extension CohereDialect {
    static func finishReason(_ t: JSONTape, _ i: Int) -> FinishReason? {
        guard t.kind(i) == .string else { return nil }
        if t.stringEquals(i, "COMPLETE") || t.stringEquals(i, "STOP_SEQUENCE") { return .stop }
        if t.stringEquals(i, "MAX_TOKENS") { return .length }
        if t.stringEquals(i, "TOOL_CALL") { return .toolCalls }
        if t.stringEquals(i, "ERROR") || t.stringEquals(i, "TIMEOUT") { return .error }
        return .other(t.string(i) ?? "")
    }

    /// `{tokens:{input_tokens,output_tokens}, billed_units:{…}, cached_tokens?}`; nil when empty (`usage:{}`).
    /// `tokens` counts the whole prompt, Cohere's template included; `billed_units` is the fallback.
    static func usage(_ t: JSONTape, _ u: Int) -> Usage? {
        guard let counts = t.member(u, "tokens") ?? t.member(u, "billed_units"), t.kind(counts) == .object else {
            return nil
        }
        return Usage(
            inputTokens: t.member(counts, "input_tokens").flatMap(t.int) ?? 0,
            outputTokens: t.member(counts, "output_tokens").flatMap(t.int) ?? 0,
            cacheReadTokens: t.member(u, "cached_tokens").flatMap(t.int))
    }

    /// Cohere sends `"null"` as the arguments of a call without parameters; that is `{}`.
    static func fixNullArguments(_ b: inout ResponseBuilder, _ block: Int) {
        b.updateTool(block) { if $0.arguments == "null" { $0.arguments = "" } }
    }

    package func parseResponse(_ t: JSONTape, context: CallContext) throws(LLMError) -> ChatResponse {
        var b = ResponseBuilder(context: context)
        var sink: [StreamEvent] = []
        let root = t.root
        guard let message = t.member(root, "message") else {
            throw LLMError(.decoding, "Cohere answered without a message", provider: context.provider)
        }
        b.id = t.member(root, "id").flatMap(t.string)
        if let content = t.member(message, "content"), t.kind(content) == .array {
            var blocks: [Int] = []
            t.forEachElement(content) { blocks.append($0) }
            for block in blocks {
                guard let type = t.member(block, "type") else { continue }
                if t.stringEquals(type, "text"), let s = t.member(block, "text") {
                    b.text(try t.text(s, provider: context.provider), &sink)
                } else if t.stringEquals(type, "thinking"), let s = t.member(block, "thinking") {
                    b.reasoningPart(
                        ReasoningPart(text: try t.text(s, provider: context.provider), provider: context.family), &sink)
                }
            }
        } else if let s = t.member(message, "content"), t.kind(s) == .string {
            b.text(try t.text(s, provider: context.provider), &sink)
        }
        if let plan = t.member(message, "tool_plan"), t.kind(plan) == .string, !t.isEmptyString(plan) {
            b.reasoningPart(
                ReasoningPart(
                    text: try t.text(plan, provider: context.provider), provider: context.family,
                    itemID: Self.toolPlanID), &sink)
        }
        if let calls = t.member(message, "tool_calls"), t.kind(calls) == .array {
            t.forEachElement(calls) { c in
                let f = t.member(c, "function")
                let args = f.flatMap { t.member($0, "arguments") }
                let block = b.startTool(
                    id: t.member(c, "id").flatMap(t.string) ?? "",
                    name: f.flatMap { t.member($0, "name") }.flatMap(t.string) ?? "",
                    arguments: args.map { t.kind($0) == .string ? (t.string($0) ?? "") : t.rawText($0) } ?? "",
                    &sink)
                Self.fixNullArguments(&b, block)
            }
        }
        b.finishReason = t.member(root, "finish_reason").flatMap { Self.finishReason(t, $0) }
        b.usage = t.member(root, "usage").flatMap { Self.usage(t, $0) }
        return b.build(&sink)
    }

    package func makeTranslator(context: CallContext) -> any StreamTranslator {
        CohereTranslator(context: context)
    }
}

/// Cohere v2 stream events to `StreamEvent`s. Content blocks (thinking and text share one
/// `index` counter) are typed only by `content-start`; tool calls have their own `index`.
/// `tool-plan-delta`s fill one reasoning part; `message-end` with `ERROR` is thrown.
final class CohereTranslator: StreamTranslator {
    @exclusivity(unchecked) private var b: ResponseBuilder
    @exclusivity(unchecked) private var tape = JSONTape()
    private var content: [Int: Int] = [:]  // Cohere content index -> builder block (thinking only)
    private var tools: [Int: Int] = [:]  // Cohere tool-call index -> builder block
    private var plan: Int?  // builder block of the tool plan
    private var ended = false
    private var done = false

    init(context: CallContext) { b = ResponseBuilder(context: context) }

    var partialUsage: Usage? { b.usage }

    func consume(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, into out: inout [StreamEvent])
        throws(LLMError)
    {
        if data.count == 6, data.elementsEqual("[DONE]".utf8) {
            done = true
            return
        }
        try parse(data, into: &tape, provider: b.context.provider)
        let t = tape
        let root = t.root
        guard let type = t.member(root, "type") else { return }
        let provider = b.context.provider
        let message = t.member(root, "delta").flatMap { t.member($0, "message") }
        let index = t.member(root, "index").flatMap(t.int) ?? 0
        if t.stringEquals(type, "content-delta") {
            guard let c = message.flatMap({ t.member($0, "content") }) else { return }
            if let s = t.member(c, "text") {
                b.text(try t.text(s, provider: provider), &out)
            } else if let s = t.member(c, "thinking") {
                let text = try t.text(s, provider: provider)
                if let block = content[index] {
                    b.appendReasoning(at: block, text, &out)
                } else {
                    b.reasoningPart(ReasoningPart(text: text, provider: b.context.family), &out)
                    content[index] = b.lastBlockIndex
                }
            }
        } else if t.stringEquals(type, "tool-plan-delta") {
            guard let s = message.flatMap({ t.member($0, "tool_plan") }), t.kind(s) == .string else { return }
            let text = try t.text(s, provider: provider)
            if let plan {
                b.appendReasoning(at: plan, text, &out)
            } else if !text.isEmpty {
                b.reasoningPart(
                    ReasoningPart(text: text, provider: b.context.family, itemID: CohereDialect.toolPlanID), &out)
                plan = b.lastBlockIndex
            }
        } else if t.stringEquals(type, "content-start") {
            guard let c = message.flatMap({ t.member($0, "content") }), let ct = t.member(c, "type") else { return }
            if t.stringEquals(ct, "thinking") {
                b.reasoningPart(ReasoningPart(text: "", provider: b.context.family), &out)
                content[index] = b.lastBlockIndex
                if let s = t.member(c, "thinking"), !t.isEmptyString(s) {
                    b.appendReasoning(at: b.lastBlockIndex, try t.text(s, provider: provider), &out)
                }
            } else if t.stringEquals(ct, "text"), let s = t.member(c, "text"), !t.isEmptyString(s) {
                b.text(try t.text(s, provider: provider), &out)
            }
        } else if t.stringEquals(type, "tool-call-start") {
            // `tool_calls` is one object here, not an array.
            guard let c = message.flatMap({ t.member($0, "tool_calls") }) else { return }
            let f = t.member(c, "function")
            let args = f.flatMap { t.member($0, "arguments") }.flatMap(t.string) ?? ""
            tools[index] = b.startTool(
                id: t.member(c, "id").flatMap(t.string) ?? "",
                name: f.flatMap { t.member($0, "name") }.flatMap(t.string) ?? "", arguments: args, &out)
        } else if t.stringEquals(type, "tool-call-delta") {
            guard let block = tools[index],
                let s = message.flatMap({ t.member($0, "tool_calls") }).flatMap({ t.member($0, "function") })
                    .flatMap({ t.member($0, "arguments") })
            else { return }
            b.toolArguments(block, try t.text(s, provider: provider), &out)
        } else if t.stringEquals(type, "tool-call-end") {
            if let block = tools[index] {
                CohereDialect.fixNullArguments(&b, block)
                b.completeTool(block, &out)
            }
        } else if t.stringEquals(type, "message-end") {
            ended = true
            let d = t.member(root, "delta")
            if let u = d.flatMap({ t.member($0, "usage") }), let usage = CohereDialect.usage(t, u) {
                b.usage = usage
                out.append(.usage(usage))
            }
            guard let f = d.flatMap({ t.member($0, "finish_reason") }), !t.isNull(f) else { return }
            b.finishReason = CohereDialect.finishReason(t, f)
            let timeout = t.stringEquals(f, "TIMEOUT")
            if timeout || t.stringEquals(f, "ERROR") {
                let message = d.flatMap { t.member($0, "error") }.flatMap(t.string) ?? t.string(f) ?? "ERROR"
                throw LLMError(
                    timeout ? .timeout : .server, "Cohere reported an error mid-stream: \(message)", provider: provider,
                    providerType: d.flatMap { t.member($0, "error_type") }.flatMap(t.string))
            }
        } else if t.stringEquals(type, "message-start") {
            b.id = t.member(root, "id").flatMap(t.string)
        }
    }

    func finish(into out: inout [StreamEvent]) throws(LLMError) -> ChatResponse {
        guard ended || done else {
            throw LLMError(
                .network,
                "the Cohere stream ended before message-end (truncated); the partial answer was \(b.isEmpty ? "empty" : "discarded")",
                provider: b.context.provider)
        }
        for (_, block) in tools { CohereDialect.fixNullArguments(&b, block) }
        return b.build(&out)
    }
}
