@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

/// OpenAI Chat Completions, and every provider that speaks it.
package struct OpenAIChatDialect: ChatDialect {
    let quirks: CompatibleQuirks

    package init(quirks: CompatibleQuirks) { self.quirks = quirks }

    static func finishReason(_ t: JSONTape, _ i: Int) -> FinishReason? {
        guard t.kind(i) == .string else { return nil }
        if t.stringEquals(i, "stop") { return .stop }
        if t.stringEquals(i, "length") { return .length }
        if t.stringEquals(i, "tool_calls") || t.stringEquals(i, "function_call") { return .toolCalls }
        if t.stringEquals(i, "content_filter") { return .contentFilter }
        if t.stringEquals(i, "insufficient_system_resource") { return .error }
        return .other(t.string(i) ?? "")
    }

    package func parseResponse(_ t: JSONTape, context: CallContext) throws(LLMError) -> ChatResponse {
        var b = ResponseBuilder(context: context)
        var sink: [StreamEvent] = []
        b.id = t.member(t.root, "id").flatMap(t.string)
        if let m = t.member(t.root, "model").flatMap(t.string) { b.model = m }
        guard let choices = t.member(t.root, "choices"), let choice = t.firstElement(choices),
            let message = t.member(choice, "message")
        else {
            throw LLMError(
                .decoding, "\(context.provider) answered without choices[0].message", provider: context.provider)
        }
        // A whole message has the shape of one delta with complete tool calls.
        var toolBlocks: [Int] = []
        var think = quirks.thinkTags ? ThinkTagSplitter() : nil
        try Self.readDelta(
            t, message, reasoningFields: MemberNames(quirks.reasoningFields), think: &think, into: &b,
            tools: &toolBlocks, &sink)
        think?.finish { b.content($0, $1, &sink) }
        b.citations = Self.citations(t, fields: quirks.citationFields)
        if let f = t.member(choice, "content_filter_results") { Self.noteFilters(t, f, into: &b) }
        if b.finishReason == nil {
            b.finishReason = t.member(choice, "finish_reason").flatMap { Self.finishReason(t, $0) }
        }
        b.usage = t.member(t.root, "usage").flatMap { OpenAIUsage.read(t, $0) }
        return b.build(&sink)
    }

    package func makeTranslator(context: CallContext) -> any StreamTranslator {
        ChatCompletionsTranslator(context: context, quirks: quirks)
    }

}

/// Chat Completions stream chunks to events. Tool calls are keyed by `index`
/// and may be split over any number of chunks.
final class ChatCompletionsTranslator: StreamTranslator {
    @exclusivity(unchecked) private var b: ResponseBuilder
    @exclusivity(unchecked) private var tape = JSONTape()
    private var toolBlocks: [Int] = []  // OpenAI tool index -> builder block
    private let reasoningFields: MemberNames
    private let citationFields: [String]
    private var think: ThinkTagSplitter?
    private var sawFinish = false
    private var sawDone = false

    init(context: CallContext, quirks: CompatibleQuirks) {
        b = ResponseBuilder(context: context)
        reasoningFields = MemberNames(quirks.reasoningFields)
        citationFields = quirks.citationFields
        think = quirks.thinkTags ? ThinkTagSplitter() : nil
    }

    var partialUsage: Usage? { b.usage }

    func consume(event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, into out: inout [StreamEvent])
        throws(LLMError)
    {
        if data.count == 6, data.elementsEqual("[DONE]".utf8) {
            sawDone = true
            return
        }
        try parse(data, into: &tape, provider: b.context.provider)
        let t = tape
        // One pass over each object (this runs for every chunk): find the members we use.
        var error: Int?
        var id: Int?
        var model: Int?
        var choices: Int?
        var usage: Int?
        // Keys are told apart by length first: most members then need one comparison or none.
        t.forEachMember(t.root) { k, v in
            let n = t.plainStringLength(k)
            if (n < 0 || n == 7), t.keyEquals(k, "choices") {
                choices = v
            } else if (n < 0 || n == 5), t.keyEquals(k, "usage") {
                usage = v
            } else if (n < 0 || n == 2), t.keyEquals(k, "id") {
                id = v
            } else if (n < 0 || n == 5), t.keyEquals(k, "model") {
                model = v
            } else if (n < 0 || n == 5), t.keyEquals(k, "error") {
                error = v
            } else if (n < 0 || n == 6), t.keyEquals(k, "x_groq"), usage == nil {
                usage = t.member(v, "usage")  // Groq's final chunk
            }
        }
        if let e = error, !t.isNull(e) { throw streamError(t, e) }
        if b.id == nil, let i = id, !t.isEmptyString(i) {
            // Azure's first chunk is a prompt annotation with id "" and model "".
            b.id = t.string(i)
            if let m = model.flatMap(t.string), !m.isEmpty { b.model = m }
        }
        if let choices, let choice = t.firstElement(choices) {
            var delta: Int?
            var finish: Int?
            var filters: Int?
            t.forEachMember(choice) { k, v in
                let n = t.plainStringLength(k)
                if (n < 0 || n == 5), t.keyEquals(k, "delta") {
                    delta = v
                } else if (n < 0 || n == 13), t.keyEquals(k, "finish_reason") {
                    finish = v
                } else if (n < 0 || n == 22), t.keyEquals(k, "content_filter_results") {
                    filters = v
                }
            }
            if let filters { OpenAIChatDialect.noteFilters(t, filters, into: &b) }
            if let delta {
                try OpenAIChatDialect.readDelta(
                    t, delta, reasoningFields: reasoningFields, think: &think, into: &b, tools: &toolBlocks, &out)
            }
            if let f = finish, !t.isNull(f) {
                sawFinish = true
                if b.finishReason != .refusal { b.finishReason = OpenAIChatDialect.finishReason(t, f) }
            }
        }
        if let u = usage, let usage = OpenAIUsage.read(t, u) {
            b.usage = usage
            out.append(.usage(usage))
        }
        if !citationFields.isEmpty {
            let found = OpenAIChatDialect.citations(t, fields: citationFields)
            if !found.isEmpty { b.citations = found }
        }
    }

    private func streamError(_ t: JSONTape, _ e: Int) -> LLMError {
        // Groq (`status_code`) and OpenRouter (numeric `code`) say which HTTP status the error stands for.
        if let status = t.member(e, "status_code").flatMap(t.int) ?? t.member(e, "code").flatMap(t.int),
            (400..<600).contains(status)
        {
            var err = ErrorMapping.map(
                status: status, headers: [:], body: Array(("{\"error\":" + t.rawText(e) + "}").utf8),
                provider: b.context.provider, model: b.context.model, keyVariable: b.context.keyVariable)
            err.message = "\(b.context.provider) reported an error mid-stream: " + err.message
            err.statusCode = nil
            return err
        }
        let message = t.member(e, "message").flatMap(t.string) ?? t.rawText(e)
        let code = t.member(e, "code").flatMap { t.string($0) ?? t.numberText($0) }
        return LLMError(
            .server, "\(b.context.provider) reported an error mid-stream: \(message)", provider: b.context.provider,
            providerCode: code, providerType: t.member(e, "type").flatMap(t.string))
    }

    func finish(into out: inout [StreamEvent]) throws(LLMError) -> ChatResponse {
        guard sawFinish || sawDone else {
            throw LLMError(
                .network,
                "the \(b.context.provider) stream ended before a finish_reason (truncated); the partial answer was \(b.isEmpty ? "empty" : "discarded")",
                provider: b.context.provider)
        }
        think?.finish { b.content($0, $1, &out) }
        return b.build(&out)
    }
}

extension OpenAIChatDialect {
    /// Reads a streamed `delta`, or a whole `message`, into `b`: reasoning (under any of
    /// `reasoningFields`), content, refusal and tool calls. `tools` maps the provider's tool
    /// `index` to builder blocks across chunks. One pass over the object's members.
    static func readDelta(
        _ t: JSONTape, _ delta: Int, reasoningFields: MemberNames, think: inout ThinkTagSplitter?,
        into b: inout ResponseBuilder,
        tools: inout [Int], _ out: inout [StreamEvent]
    ) throws(LLMError) {
        var content: Int?
        var reasoning: Int?
        var refusal: Int?
        var calls: Int?
        var details: Int?
        t.forEachMember(delta) { k, v in
            if t.kind(v) == .null || t.isEmptyString(v) { return }
            if t.keyEquals(k, "content") {
                content = v
            } else if t.keyEquals(k, "tool_calls") {
                calls = v
            } else if t.keyEquals(k, "reasoning_details") {
                details = v
            } else if t.keyEquals(k, "refusal") {
                refusal = v
            } else if reasoning == nil, reasoningFields.matches(t, k) {
                reasoning = v
            }
        }
        let provider = b.context.provider
        if let r = reasoning, t.kind(r) == .string { b.reasoning(try t.text(r, provider: provider), &out) }
        if let details { readReasoningDetails(t, details, into: &b, &out) }
        if let c = content, t.kind(c) == .string {
            let s = try t.text(c, provider: provider)
            if think != nil {
                think!.feed(s) { b.content($0, $1, &out) }
            } else {
                b.text(s, &out)
            }
        } else if let c = content, t.kind(c) == .array {
            try readContentChunks(t, c, into: &b, &out)
        }
        if let r = refusal, t.kind(r) == .string {
            b.text(try t.text(r, provider: provider), &out)
            b.finishReason = .refusal
        }
        guard let calls else { return }
        t.forEachElement(calls) { c in
            let index = t.member(c, "index").flatMap(t.int) ?? tools.count
            let f = t.member(c, "function")
            let args = f.flatMap { t.member($0, "arguments") }.flatMap(t.string) ?? ""
            if index < tools.count, tools[index] >= 0 {
                b.toolArguments(tools[index], args, &out)
            } else {
                while tools.count <= index { tools.append(-1) }
                tools[index] = b.startTool(
                    id: t.member(c, "id").flatMap(t.string) ?? "",
                    name: f.flatMap { t.member($0, "name") }.flatMap(t.string) ?? "", arguments: args, &out)
            }
        }
    }

    /// `content` as an array of chunks (Mistral): `{"type":"text","text":...}` and
    /// `{"type":"thinking","thinking":[{"type":"text","text":...}]}`.
    static func readContentChunks(
        _ t: JSONTape, _ chunks: Int, into b: inout ResponseBuilder, _ out: inout [StreamEvent]
    ) throws(LLMError) {
        let provider = b.context.provider
        var failure: LLMError?
        t.forEachElement(chunks) { c in
            guard failure == nil, let type = t.member(c, "type") else { return }
            do throws(LLMError) {
                if t.stringEquals(type, "text"), let x = t.member(c, "text") {
                    b.text(try t.text(x, provider: provider), &out)
                } else if t.stringEquals(type, "thinking"), let th = t.member(c, "thinking") {
                    if t.kind(th) == .string {
                        b.reasoning(try t.text(th, provider: provider), &out)
                    } else {
                        var inner: LLMError?
                        t.forEachElement(th) { p in
                            guard inner == nil, let x = t.member(p, "text") else { return }
                            do throws(LLMError) { b.reasoning(try t.text(x, provider: provider), &out) } catch {
                                inner = error
                            }
                        }
                        if let inner { throw inner }
                    }
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// OpenRouter's `reasoning_details`: the text also arrives under `reasoning`, so only the
    /// opaque parts are taken here: a `reasoning.text` signature, or `reasoning.encrypted` data.
    static func readReasoningDetails(
        _ t: JSONTape, _ details: Int, into b: inout ResponseBuilder, _ out: inout [StreamEvent]
    ) {
        t.forEachElement(details) { d in
            guard let type = t.member(d, "type") else { return }
            if t.stringEquals(type, "reasoning.text") {
                if let sig = t.member(d, "signature").flatMap(t.string), !sig.isEmpty { b.setReasoningSignature(sig) }
            } else if t.stringEquals(type, "reasoning.encrypted") {
                if let data = t.member(d, "data").flatMap(t.string), !data.isEmpty {
                    b.reasoningPart(
                        ReasoningPart(text: "", provider: b.context.family, signature: data, redacted: true), &out)
                }
            }
        }
    }

    /// Azure content-filter results: each category marked `filtered: true` becomes one warning
    /// (`content_filtered`), so a cut-short answer says why.
    static func noteFilters(_ t: JSONTape, _ results: Int, into b: inout ResponseBuilder) {
        t.forEachMember(results) { k, v in
            guard t.member(v, "filtered").flatMap(t.bool) == true, let name = t.string(k) else { return }
            let severity = t.member(v, "severity").flatMap(t.string).map { " (severity \($0))" } ?? ""
            let w = Warning(
                code: "content_filtered",
                message: "\(b.context.provider) content filter: \(name)\(severity) was filtered")
            if !b.warnings.contains(w) { b.warnings.append(w) }
        }
    }
}

/// Member names from provider data, compared on the hot path: the common ones as static
/// strings (length and first bytes decide most mismatches), any others as runtime strings.
struct MemberNames: Sendable {
    private var fast: [StaticString] = []
    private var slow: [String] = []

    private static let known: [StaticString] = ["reasoning_content", "reasoning", "reasoning_text"]

    init(_ names: [String]) {
        for n in names {
            if let k = Self.known.first(where: { Self.same(n, $0) }) { fast.append(k) } else { slow.append(n) }
        }
    }

    /// `name == known.description` without making a `String` (the known names are ASCII, so
    /// byte equality is string equality).
    private static func same(_ name: String, _ known: StaticString) -> Bool {
        guard name.utf8.count == known.utf8CodeUnitCount else { return false }
        return name.utf8.withContiguousStorageIfAvailable { b in
            for k in 0..<b.count where b[k] != known.utf8Start[k] { return false }
            return true
        } ?? (name == known.description)
    }

    @inline(__always) func matches(_ t: JSONTape, _ k: Int) -> Bool {
        for f in fast where t.keyEquals(k, f) { return true }
        if slow.isEmpty { return false }
        return slow.contains { t.keyEquals(k, runtime: $0) }
    }
}
