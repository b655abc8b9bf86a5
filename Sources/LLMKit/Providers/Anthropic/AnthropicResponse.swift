@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

extension AnthropicDialect {
    static func finishReason(_ t: JSONTape, _ i: Int) -> FinishReason? {
        guard t.kind(i) == .string else { return nil }
        if t.stringEquals(i, "end_turn") || t.stringEquals(i, "stop_sequence") { return .stop }
        if t.stringEquals(i, "max_tokens") || t.stringEquals(i, "model_context_window_exceeded") { return .length }
        if t.stringEquals(i, "tool_use") { return .toolCalls }
        if t.stringEquals(i, "refusal") { return .refusal }
        return .other(t.string(i) ?? "")
    }

    /// Merges an Anthropic usage object into `usage` (fields present override).
    static func mergeUsage(
        _ t: JSONTape, _ u: Int, into usage: inout Usage, raw: inout (input: Int, read: Int?, write: Int?)
    ) {
        if let v = t.member(u, "input_tokens").flatMap(t.int) { raw.input = v }
        if let v = t.member(u, "cache_read_input_tokens").flatMap(t.int) { raw.read = v }
        if let v = t.member(u, "cache_creation_input_tokens").flatMap(t.int) { raw.write = v }
        if let v = t.member(u, "output_tokens").flatMap(t.int) { usage.outputTokens = v }
        if let d = t.member(u, "output_tokens_details"), let v = t.member(d, "thinking_tokens").flatMap(t.int) {
            usage.reasoningTokens = v
        }
        usage.inputTokens = raw.input + (raw.read ?? 0) + (raw.write ?? 0)
        usage.cacheReadTokens = raw.read
        usage.cacheWriteTokens = raw.write
    }

    package func parseResponse(_ t: JSONTape, context: CallContext) throws(LLMError) -> ChatResponse {
        var b = ResponseBuilder(context: context)
        var sink: [StreamEvent] = []
        let root = t.root
        guard let content = t.member(root, "content") else {
            throw LLMError(.decoding, "Anthropic answered without content", provider: context.provider)
        }
        b.id = t.member(root, "id").flatMap(t.string)
        if let m = t.member(root, "model").flatMap(t.string) { b.model = m }
        t.forEachElement(content) { block in
            guard let type = t.member(block, "type") else { return }
            if t.stringEquals(type, "text") {
                b.text(t.member(block, "text").flatMap(t.string) ?? "", &sink)
            } else if t.stringEquals(type, "thinking") {
                b.reasoningPart(
                    ReasoningPart(
                        text: t.member(block, "thinking").flatMap(t.string) ?? "", provider: context.family,
                        signature: t.member(block, "signature").flatMap(t.string)), &sink)
            } else if t.stringEquals(type, "redacted_thinking") {
                b.reasoningPart(
                    ReasoningPart(
                        text: "", provider: context.family, signature: t.member(block, "data").flatMap(t.string),
                        redacted: true), &sink)
            } else if t.stringEquals(type, "tool_use") {
                b.startTool(
                    id: t.member(block, "id").flatMap(t.string) ?? "",
                    name: t.member(block, "name").flatMap(t.string) ?? "",
                    arguments: t.member(block, "input").map { t.rawText($0) } ?? "{}", &sink)
            }
        }
        b.finishReason = t.member(root, "stop_reason").flatMap { Self.finishReason(t, $0) }
        if let u = t.member(root, "usage") {
            var usage = Usage()
            var raw: (input: Int, read: Int?, write: Int?) = (0, nil, nil)
            Self.mergeUsage(t, u, into: &usage, raw: &raw)
            b.usage = usage
        }
        return b.build(&sink)
    }

    package func makeTranslator(context: CallContext) -> any StreamTranslator {
        AnthropicTranslator(context: context)
    }

}

/// Anthropic stream events to `StreamEvent`s: content blocks by index, tool
/// input assembled from `input_json_delta`, thinking signatures kept.
final class AnthropicTranslator: StreamTranslator {
    @exclusivity(unchecked) private var b: ResponseBuilder
    @exclusivity(unchecked) private var tape = JSONTape()
    private var blocks: [Int: Int] = [:]  // Anthropic block index -> builder block
    private var usage: Usage?
    private var raw: (input: Int, read: Int?, write: Int?) = (0, nil, nil)
    private var stopped = false

    init(context: CallContext) { b = ResponseBuilder(context: context) }

    var partialUsage: Usage? { usage }

    func consume(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, into out: inout [StreamEvent])
        throws(LLMError)
    {
        try parse(data, into: &tape, provider: b.context.provider)
        let t = tape
        let root = t.root
        guard let type = t.member(root, "type") else { return }
        if t.stringEquals(type, "content_block_delta") {
            guard let delta = t.member(root, "delta"), let dt = t.member(delta, "type") else { return }
            let index = t.member(root, "index").flatMap(t.int) ?? 0
            if t.stringEquals(dt, "text_delta") {
                if let s = t.member(delta, "text") { b.text(try t.text(s, provider: b.context.provider), &out) }
            } else if t.stringEquals(dt, "input_json_delta") {
                if let s = t.member(delta, "partial_json"), let block = blocks[index] {
                    b.toolArguments(block, try t.text(s, provider: b.context.provider), &out)
                }
            } else if t.stringEquals(dt, "thinking_delta") {
                if let s = t.member(delta, "thinking"), let block = blocks[index] {
                    b.appendReasoning(at: block, try t.text(s, provider: b.context.provider), &out)
                }
            } else if t.stringEquals(dt, "signature_delta") {
                if let s = t.member(delta, "signature"), let block = blocks[index] {
                    let sig = try t.text(s, provider: b.context.provider)
                    b.updateReasoning(at: block) { $0.signature = ($0.signature ?? "") + sig }
                }
            }
        } else if t.stringEquals(type, "content_block_start") {
            guard let cb = t.member(root, "content_block"), let ct = t.member(cb, "type") else { return }
            let index = t.member(root, "index").flatMap(t.int) ?? 0
            if t.stringEquals(ct, "text") {
                if let s = t.member(cb, "text"), !t.isEmptyString(s) {
                    b.text(try t.text(s, provider: b.context.provider), &out)
                }
            } else if t.stringEquals(ct, "thinking") {
                b.reasoningPart(
                    ReasoningPart(
                        text: "", provider: b.context.family,
                        signature: t.member(cb, "signature").flatMap(t.string).flatMap { $0.isEmpty ? nil : $0 }), &out)
                blocks[index] = b.lastBlockIndex
                if let s = t.member(cb, "thinking"), !t.isEmptyString(s) {
                    b.appendReasoning(at: b.lastBlockIndex, try t.text(s, provider: b.context.provider), &out)
                }
            } else if t.stringEquals(ct, "redacted_thinking") {
                b.reasoningPart(
                    ReasoningPart(
                        text: "", provider: b.context.family, signature: t.member(cb, "data").flatMap(t.string),
                        redacted: true), &out)
                blocks[index] = b.lastBlockIndex
            } else if t.stringEquals(ct, "tool_use") || t.stringEquals(ct, "server_tool_use") {
                // `input` in the start event is `{}`; the real input follows as deltas.
                blocks[index] = b.startTool(
                    id: t.member(cb, "id").flatMap(t.string) ?? "", name: t.member(cb, "name").flatMap(t.string) ?? "",
                    &out)
            }
        } else if t.stringEquals(type, "content_block_stop") {
            if let index = t.member(root, "index").flatMap(t.int), let block = blocks[index] {
                b.completeTool(block, &out)
            }
        } else if t.stringEquals(type, "message_delta") {
            if let d = t.member(root, "delta"), let r = t.member(d, "stop_reason"), !t.isNull(r) {
                b.finishReason = AnthropicDialect.finishReason(t, r)
            }
            if let u = t.member(root, "usage") {
                var usage = self.usage ?? Usage()
                AnthropicDialect.mergeUsage(t, u, into: &usage, raw: &raw)
                self.usage = usage
            }
        } else if t.stringEquals(type, "message_start") {
            guard let m = t.member(root, "message") else { return }
            b.id = t.member(m, "id").flatMap(t.string)
            if let model = t.member(m, "model").flatMap(t.string) { b.model = model }
            if let u = t.member(m, "usage") {
                var usage = Usage()
                AnthropicDialect.mergeUsage(t, u, into: &usage, raw: &raw)
                self.usage = usage
            }
        } else if t.stringEquals(type, "message_stop") {
            stopped = true
        } else if t.stringEquals(type, "error") {
            let e = t.member(root, "error")
            let et = e.flatMap { t.member($0, "type") }.flatMap(t.string)
            let message = e.flatMap { t.member($0, "message") }.flatMap(t.string) ?? "unknown error"
            let kind: LLMError.Kind =
                switch et {
                case "overloaded_error": .overloaded
                case "rate_limit_error": .rateLimited
                case "invalid_request_error": .invalidRequest
                default: .server
                }
            throw LLMError(
                kind, "Anthropic reported an error mid-stream: \(message)", provider: b.context.provider,
                providerType: et)
        }
    }

    func finish(into out: inout [StreamEvent]) throws(LLMError) -> ChatResponse {
        guard stopped || b.finishReason != nil else {
            throw LLMError(
                .network, "the Anthropic stream ended before message_stop (truncated)", provider: b.context.provider)
        }
        if let usage {
            b.usage = usage
            out.append(.usage(usage))
        }
        return b.build(&out)
    }
}
