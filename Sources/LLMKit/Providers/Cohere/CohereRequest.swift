import LLMKitCore
import NIOHTTP1

/// Cohere v2 Chat API (`POST /v2/chat`).
///
/// Cohere's `tool_plan` (the text a model writes before calling tools) is read into a
/// reasoning part marked with `itemID` `"tool_plan"`, and sent back as `tool_plan`.
package struct CohereDialect: ChatDialect {
    package init() {}

    /// Marks the reasoning part that holds a `tool_plan`.
    static let toolPlanID = "tool_plan"

    package func makeRequest(_ r: ChatRequest, context: CallContext, stream: Bool) throws(LLMError) -> WireRequest {
        var warnings: [Warning] = []
        var body: [(key: String, value: JSONValue)] = [("model", .string(context.model))]
        body.append(("messages", .array(try messages(r.messages, context: context))))
        if !r.tools.isEmpty {
            var tools = r.tools
            switch r.toolChoice {
            case nil, .auto?: break
            case .none?: body.append(("tool_choice", "NONE"))
            case .required?: body.append(("tool_choice", "REQUIRED"))
            case .tool(let name)?:
                // Cohere cannot name a tool: offer only that one and require a call.
                tools = tools.filter { $0.name == name }
                body.append(("tool_choice", "REQUIRED"))
            }
            body.append(("tools", .array(tools.map(Self.tool))))
            if tools.contains(where: { $0.strict == true }) { body.append(("strict_tools", true)) }
        }
        switch r.reasoning {
        case nil: break
        case .off?: body.append(("thinking", ["type": "disabled"]))
        case .budget(let n)?: body.append(("thinking", ["type": "enabled", "token_budget": .int(n)]))
        case .effort(let e)?:
            let n = e.thinkingBudget
            body.append(("thinking", ["type": "enabled", "token_budget": .int(n)]))
            warnings.append(
                Warning(
                    code: "reasoning_approximated",
                    message: "Cohere takes a thinking token budget: effort '\(e.rawValue)' sent as token_budget \(n)"))
        }
        switch r.outputFormat {
        case .text: break
        case .json: body.append(("response_format", ["type": "json_object"]))
        case .jsonSchema(_, let schema, _): body.append(("response_format", ["type": "json_object", "schema": schema]))
        }
        if let m = r.maxOutputTokens { body.append(("max_tokens", .int(m))) }
        if let t = r.temperature { body.append(("temperature", .double(t))) }
        if let p = r.topP { body.append(("p", .double(p))) }
        if !r.stop.isEmpty { body.append(("stop_sequences", .array(r.stop.map(JSONValue.string)))) }
        body.append(("stream", .bool(stream)))
        return WireRequest(path: "/v2/chat", body: .object(body), warnings: warnings)
    }

    static func tool(_ t: ToolDefinition) -> JSONValue {
        var f: [(key: String, value: JSONValue)] = [("name", .string(t.name))]
        if let d = t.description { f.append(("description", .string(d))) }
        f.append(("parameters", t.parameters))
        return ["type": "function", "function": .object(f)]
    }

    private func messages(_ messages: [Message], context: CallContext) throws(LLMError) -> [JSONValue] {
        var out: [JSONValue] = []
        for m in messages {
            switch m.role {
            case .system:
                out.append(["role": "system", "content": .string(m.text)])
            case .user:
                out.append(["role": "user", "content": try userContent(m.parts, context: context)])
            case .assistant:
                out.append(assistant(m))
            case .tool:
                for case .toolResult(let r) in m.parts {
                    out.append(["role": "tool", "tool_call_id": .string(r.callID), "content": .string(r.content)])
                }
            }
        }
        return out
    }

    /// A string when the message is one text, else content blocks.
    private func userContent(_ parts: [Part], context: CallContext) throws(LLMError) -> JSONValue {
        if parts.count == 1, case .text(let t) = parts[0] { return .string(t) }
        var blocks: [JSONValue] = []
        for p in parts {
            switch p {
            case .text(let t):
                blocks.append(["type": "text", "text": .string(t)])
            case .image(let s):
                blocks.append(["type": "image_url", "image_url": ["url": .string(Self.url(s))]])
            case .file:
                throw LLMError(
                    .unsupported, "Cohere chat takes no files in messages: send the document's text instead",
                    provider: context.provider)
            case .toolResult(let r):
                // A tool result in a user message: Cohere wants it as text here.
                blocks.append(["type": "text", "text": .string(r.content)])
            case .toolCall, .reasoning:
                break
            }
        }
        return .array(blocks)
    }

    /// `{role: assistant, content?, tool_plan?, tool_calls?}`: thinking goes back as a
    /// `thinking` content block (as the Cohere SDK sends it), the tool plan as `tool_plan`.
    private func assistant(_ m: Message) -> JSONValue {
        var content: [JSONValue] = []
        var hasThinking = false
        var plan: String?
        var calls: [JSONValue] = []
        for p in m.parts {
            switch p {
            case .text(let t):
                if !t.isEmpty { content.append(["type": "text", "text": .string(t)]) }
            case .reasoning(let r):
                if r.itemID == Self.toolPlanID {
                    plan = (plan ?? "") + r.text
                } else if !r.text.isEmpty {
                    content.append(["type": "thinking", "thinking": .string(r.text)])
                    hasThinking = true
                }
            case .toolCall(let c):
                calls.append([
                    "id": .string(c.id), "type": "function",
                    "function": ["name": .string(c.name), "arguments": .string(Self.argumentsText(c.arguments))],
                ])
            case .image, .file, .toolResult:
                break
            }
        }
        var msg: [(key: String, value: JSONValue)] = [("role", "assistant")]
        if hasThinking {
            msg.append(("content", .array(content)))
        } else if !content.isEmpty {
            msg.append(("content", .string(m.text)))
        }
        if let plan, !plan.isEmpty { msg.append(("tool_plan", .string(plan))) }
        if !calls.isEmpty { msg.append(("tool_calls", .array(calls))) }
        return .object(msg)
    }

    static func url(_ s: MediaSource) -> String {
        switch s {
        case .url(let u, _): return u
        case .data(let bytes, let mime, _): return "data:\(mime);base64," + Base64.encode(bytes)
        }
    }

    static func argumentsText(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return JSONWriter.string(v)
    }

    /// The shared mapping, plus Cohere's own statuses and its trace id header.
    package func mapError(status: Int, headers: HTTPHeaders, body: [UInt8], context: CallContext) -> LLMError {
        var e = ErrorMapping.map(
            status: status, headers: headers, body: body, provider: context.provider, model: context.model,
            keyVariable: context.keyVariable)
        switch status {
        case 402:
            e.kind = .permissionDenied
            e.message += " (the account's billing limit is reached)"
        case 498:
            e.kind = .authentication
            e.message += context.keyVariable.map { " (check \($0))" } ?? ""
        case 499: e.kind = .cancelled
        default: break
        }
        if e.requestID == nil { e.requestID = headers.first(name: "x-debug-trace-id") }
        return e
    }
}
