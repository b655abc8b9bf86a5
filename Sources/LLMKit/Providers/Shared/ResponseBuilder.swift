import LLMKitCore

/// Assembles a response from stream pieces, in order, and emits the matching
/// `StreamEvent`s. Shared by every provider's translator.
package struct ResponseBuilder: Sendable {
    private enum Block: Sendable {
        case text(String)
        case reasoning(ReasoningPart)
        case tool(ToolState)
    }

    package struct ToolState: Sendable {
        var ordinal: Int
        var id: String
        var name: String
        var arguments: String
        var signature: String?
        var itemID: String?
        var completed: Bool
    }

    private var blocks: [Block] = []
    private var toolCount = 0
    package var id: String?
    package var model: String
    package var usage: Usage?
    package var finishReason: FinishReason?
    package var citations: [Citation] = []
    package let context: CallContext
    /// Extra warnings found while reading the answer.
    package var warnings: [Warning] = []

    package init(context: CallContext) {
        self.context = context
        self.model = context.model
    }

    package var hasToolCalls: Bool { toolCount > 0 }
    package var isEmpty: Bool { blocks.isEmpty }

    // MARK: Text and reasoning

    package mutating func text(_ s: String, _ out: inout [StreamEvent]) {
        guard !s.isEmpty else { return }
        if case .text(var t) = blocks.last {
            blocks[blocks.count - 1] = .text("")  // release the reference so append is in place
            t += s
            blocks[blocks.count - 1] = .text(t)
        } else {
            blocks.append(.text(s))
        }
        out.append(.textDelta(s))
    }

    /// Text or reasoning, as a `ThinkTagSplitter` sorted it.
    package mutating func content(_ isReasoning: Bool, _ s: String, _ out: inout [StreamEvent]) {
        if isReasoning { reasoning(s, &out) } else { text(s, &out) }
    }

    /// Appends reasoning text; starts a new reasoning part when `newPart` or when the last block is not reasoning.
    package mutating func reasoning(_ s: String, newPart: Bool = false, _ out: inout [StreamEvent]) {
        if !newPart, case .reasoning(var r) = blocks.last, r.signature == nil {
            blocks[blocks.count - 1] = .text("")
            r.text += s
            blocks[blocks.count - 1] = .reasoning(r)
        } else {
            blocks.append(.reasoning(ReasoningPart(text: s, provider: context.family)))
        }
        if !s.isEmpty { out.append(.reasoningDelta(s)) }
    }

    /// Adds a whole reasoning part (with its opaque data).
    package mutating func reasoningPart(_ part: ReasoningPart, _ out: inout [StreamEvent]) {
        blocks.append(.reasoning(part))
        if !part.text.isEmpty { out.append(.reasoningDelta(part.text)) }
    }

    /// Sets opaque data on the last reasoning part (creating an empty one if needed).
    package mutating func setReasoningSignature(_ signature: String, itemID: String? = nil) {
        if case .reasoning(var r) = blocks.last {
            r.signature = (r.signature ?? "") + signature
            if let itemID { r.itemID = itemID }
            blocks[blocks.count - 1] = .reasoning(r)
        } else {
            blocks.append(
                .reasoning(ReasoningPart(text: "", provider: context.family, signature: signature, itemID: itemID)))
        }
    }

    /// Index of the last block, for translators that address blocks directly.
    package var lastBlockIndex: Int { blocks.count - 1 }

    /// Appends `s` to the reasoning part at block `index` (Responses: several summaries may interleave).
    package mutating func appendReasoning(at index: Int, _ s: String, _ out: inout [StreamEvent]) {
        guard blocks.indices.contains(index), case .reasoning(var r) = blocks[index] else {
            reasoning(s, _: &out)
            return
        }
        blocks[index] = .text("")
        r.text += s
        blocks[index] = .reasoning(r)
        if !s.isEmpty { out.append(.reasoningDelta(s)) }
    }

    package mutating func updateReasoning(at index: Int, _ change: (inout ReasoningPart) -> Void) {
        guard blocks.indices.contains(index), case .reasoning(var r) = blocks[index] else { return }
        change(&r)
        blocks[index] = .reasoning(r)
    }

    // MARK: Tool calls

    /// Starts a tool call; returns its block index (pass it to `toolArguments`).
    @discardableResult
    package mutating func startTool(
        id: String, name: String, arguments: String = "", signature: String? = nil, itemID: String? = nil,
        _ out: inout [StreamEvent]
    ) -> Int {
        let ordinal = toolCount
        toolCount += 1
        blocks.append(
            .tool(
                ToolState(
                    ordinal: ordinal, id: id, name: name, arguments: "", signature: signature, itemID: itemID,
                    completed: false)))
        out.append(.toolCallStarted(index: ordinal, id: id, name: name))
        if !arguments.isEmpty { toolArguments(blocks.count - 1, arguments, &out) }
        return blocks.count - 1
    }

    package mutating func toolArguments(_ block: Int, _ delta: String, _ out: inout [StreamEvent]) {
        guard !delta.isEmpty, blocks.indices.contains(block), case .tool(var t) = blocks[block] else { return }
        blocks[block] = .text("")
        t.arguments += delta
        blocks[block] = .tool(t)
        out.append(.toolCallArgumentsDelta(index: t.ordinal, delta: delta))
    }

    package mutating func updateTool(_ block: Int, _ change: (inout ToolState) -> Void) {
        guard blocks.indices.contains(block), case .tool(var t) = blocks[block] else { return }
        change(&t)
        blocks[block] = .tool(t)
    }

    /// Replaces the arguments of a tool call (providers that resend the whole text at the end).
    package mutating func setToolArguments(_ block: Int, _ full: String) {
        updateTool(block) { $0.arguments = full }
    }

    /// Marks a tool call complete and emits `toolCallCompleted`.
    package mutating func completeTool(_ block: Int, _ out: inout [StreamEvent]) {
        guard blocks.indices.contains(block), case .tool(var t) = blocks[block], !t.completed else { return }
        t.completed = true
        blocks[block] = .tool(t)
        out.append(.toolCallCompleted(index: t.ordinal, call: Self.call(t, family: context.family)))
    }

    private static func call(_ t: ToolState, family: String) -> ToolCall {
        let args: JSONValue
        let trimmed = t.arguments.utf8.drop(while: { $0 == 0x20 || $0 == 0x0A })
        if trimmed.isEmpty {
            args = .object([])
        } else if let v = try? JSONValue(parsing: t.arguments.utf8) {
            args = v
        } else {
            args = .string(t.arguments)
        }
        let tagged = t.signature != nil || t.itemID != nil
        return ToolCall(
            id: t.id, name: t.name, arguments: args, signature: t.signature, itemID: t.itemID,
            provider: tagged ? family : nil)
    }

    // MARK: Finish

    /// Completes open tool calls, emits the final usage and returns the response.
    package mutating func build(_ out: inout [StreamEvent]) -> ChatResponse {
        for k in blocks.indices {
            if case .tool(let t) = blocks[k], !t.completed { completeTool(k, &out) }
        }
        var parts: [Part] = []
        parts.reserveCapacity(blocks.count)
        for b in blocks {
            switch b {
            case .text(let t): if !t.isEmpty { parts.append(.text(t)) }
            case .reasoning(let r): parts.append(.reasoning(r))
            case .tool(let t): parts.append(.toolCall(Self.call(t, family: context.family)))
            }
        }
        var finish = finishReason ?? .stop
        if finish == .stop, hasToolCalls { finish = .toolCalls }
        return ChatResponse(
            id: id, model: model, provider: context.provider, message: Message(role: .assistant, parts: parts),
            finishReason: finish, usage: usage, warnings: context.warnings + warnings, citations: citations)
    }
}
