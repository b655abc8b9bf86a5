@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

extension BedrockDialect {
    static func finishReason(_ t: JSONTape, _ i: Int) -> FinishReason? {
        guard t.kind(i) == .string else { return nil }
        if t.stringEquals(i, "end_turn") || t.stringEquals(i, "stop_sequence") { return .stop }
        if t.stringEquals(i, "max_tokens") || t.stringEquals(i, "model_context_window_exceeded") { return .length }
        if t.stringEquals(i, "tool_use") { return .toolCalls }
        if t.stringEquals(i, "guardrail_intervened") || t.stringEquals(i, "content_filtered") { return .contentFilter }
        return .other(t.string(i) ?? "")
    }

    /// Converse usage: `inputTokens` excludes cached tokens; LLMKit's includes them.
    static func usage(_ t: JSONTape, _ u: Int) -> Usage {
        let read = t.member(u, "cacheReadInputTokens").flatMap(t.int)
        let write = t.member(u, "cacheWriteInputTokens").flatMap(t.int)
        let input = t.member(u, "inputTokens").flatMap(t.int) ?? 0
        return Usage(
            inputTokens: input + (read ?? 0) + (write ?? 0),
            outputTokens: t.member(u, "outputTokens").flatMap(t.int) ?? 0, cacheReadTokens: read,
            cacheWriteTokens: write)
    }

    package func parseResponse(_ t: JSONTape, context: CallContext) throws(LLMError) -> ChatResponse {
        var b = ResponseBuilder(context: context)
        var out: [StreamEvent] = []
        guard let output = t.member(t.root, "output"), let message = t.member(output, "message"),
            let content = t.member(message, "content")
        else {
            throw LLMError(.decoding, "Bedrock answered without output.message.content", provider: context.provider)
        }
        var failure: LLMError?
        t.forEachElement(content) { block in
            do throws(LLMError) {
                if let x = t.member(block, "text") {
                    b.text(try t.text(x, provider: context.provider), &out)
                } else if let r = t.member(block, "reasoningContent") {
                    if let rt = t.member(r, "reasoningText") {
                        let text = try t.member(rt, "text").map { i throws(LLMError) in
                            try t.text(i, provider: context.provider)
                        }
                        b.reasoningPart(
                            ReasoningPart(
                                text: text ?? "", provider: context.family,
                                signature: t.member(rt, "signature").flatMap(t.string)), &out)
                    } else if let data = t.member(r, "redactedContent").flatMap(t.string) {
                        b.reasoningPart(
                            ReasoningPart(text: "", provider: context.family, signature: data, redacted: true), &out)
                    }
                } else if let u = t.member(block, "toolUse") {
                    let input = t.member(u, "input").map(t.rawText) ?? "{}"
                    let k = b.startTool(
                        id: t.member(u, "toolUseId").flatMap(t.string) ?? "",
                        name: t.member(u, "name").flatMap(t.string) ?? "", arguments: input, &out)
                    b.completeTool(k, &out)
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        b.finishReason = t.member(t.root, "stopReason").flatMap { Self.finishReason(t, $0) }
        b.usage = t.member(t.root, "usage").map { Self.usage(t, $0) }
        return b.build(&out)
    }

    package func makeTranslator(context: CallContext) -> any StreamTranslator {
        BedrockTranslator(context: context)
    }

    /// Bedrock errors: `{"message": ...}` with the type in `x-amzn-errortype` (`ThrottlingException:http://...`).
    package func mapError(status: Int, headers: HTTPHeaders, body: [UInt8], context: CallContext) -> LLMError {
        var e = ErrorMapping.map(
            status: status, headers: headers, body: body, provider: context.provider, model: context.model,
            keyVariable: context.keyVariable)
        if let type = headers.first(name: "x-amzn-errortype")?.split(separator: ":").first.map(String.init) {
            e.providerType = type
            if type == "ModelNotReadyException" || type == "ServiceUnavailableException" { e.kind = .overloaded }
        }
        return e
    }
}

/// ConverseStream events (one per event-stream message; `event` is its `:event-type`).
final class BedrockTranslator: StreamTranslator {
    @exclusivity(unchecked) private var b: ResponseBuilder
    @exclusivity(unchecked) private var tape = JSONTape()
    /// Converse `contentBlockIndex` -> builder block, for reasoning and tool blocks.
    private var blocks: [Int: Int] = [:]
    private var sawStop = false

    init(context: CallContext) { b = ResponseBuilder(context: context) }

    var partialUsage: Usage? { b.usage }

    func consume(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, into out: inout [StreamEvent])
        throws(LLMError)
    {
        try parse(data, into: &tape, provider: b.context.provider)
        let t = tape
        let root = t.root
        let provider = b.context.provider
        let index = t.member(root, "contentBlockIndex").flatMap(t.int) ?? 0
        if event.elementsEqual("contentBlockDelta".utf8), let delta = t.member(root, "delta") {
            if let x = t.member(delta, "text") {
                b.text(try t.text(x, provider: provider), &out)
            } else if let r = t.member(delta, "reasoningContent") {
                if let x = t.member(r, "text") {
                    let s = try t.text(x, provider: provider)
                    if let k = blocks[index] {
                        b.appendReasoning(at: k, s, &out)
                    } else {
                        b.reasoning(s, newPart: true, &out)
                        blocks[index] = b.lastBlockIndex
                    }
                } else if let sig = t.member(r, "signature").flatMap(t.string) {
                    if let k = blocks[index] {
                        b.updateReasoning(at: k) { $0.signature = ($0.signature ?? "") + sig }
                    } else {
                        b.setReasoningSignature(sig)
                        blocks[index] = b.lastBlockIndex
                    }
                } else if let data = t.member(r, "redactedContent").flatMap(t.string) {
                    b.reasoningPart(
                        ReasoningPart(text: "", provider: b.context.family, signature: data, redacted: true), &out)
                    blocks[index] = b.lastBlockIndex
                }
            } else if let u = t.member(delta, "toolUse"), let k = blocks[index] {
                b.toolArguments(k, t.member(u, "input").flatMap(t.string) ?? "", &out)
            }
        } else if event.elementsEqual("contentBlockStart".utf8) {
            if let start = t.member(root, "start"), let u = t.member(start, "toolUse") {
                blocks[index] = b.startTool(
                    id: t.member(u, "toolUseId").flatMap(t.string) ?? "",
                    name: t.member(u, "name").flatMap(t.string) ?? "", &out)
            }
        } else if event.elementsEqual("contentBlockStop".utf8) {
            if let k = blocks[index] { b.completeTool(k, &out) }
        } else if event.elementsEqual("messageStop".utf8) {
            sawStop = true
            b.finishReason = t.member(root, "stopReason").flatMap { BedrockDialect.finishReason(t, $0) }
        } else if event.elementsEqual("metadata".utf8) {
            if let u = t.member(root, "usage") {
                let usage = BedrockDialect.usage(t, u)
                b.usage = usage
                out.append(.usage(usage))
            }
        }
    }

    func finish(into out: inout [StreamEvent]) throws(LLMError) -> ChatResponse {
        guard sawStop else {
            throw LLMError(
                .network,
                "the Bedrock stream ended before messageStop (truncated); the partial answer was \(b.isEmpty ? "empty" : "discarded")",
                provider: b.context.provider)
        }
        return b.build(&out)
    }
}
