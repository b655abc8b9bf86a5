import LLMKitCore

/// OpenAI Responses API (`POST /v1/responses`), stateless: `store: false` and
/// reasoning items carried by `encrypted_content`, so a history can be replayed
/// without server-side state.
package struct OpenAIResponsesDialect: ChatDialect {
    /// Path of the endpoint under the base URL (Azure adds a prefix and an api-version).
    let path: String

    package init(path: String = "/responses") { self.path = path }

    package func makeRequest(_ r: ChatRequest, context: CallContext, stream: Bool) throws(LLMError) -> WireRequest {
        var warnings: [Warning] = []
        var body: [(key: String, value: JSONValue)] = [("model", .string(context.model))]
        let system = r.messages.filter { $0.role == .system }.map(\.text)
        if !system.isEmpty { body.append(("instructions", .string(system.joined(separator: "\n\n")))) }
        body.append(("input", .array(try input(r.messages, context: context))))
        body.append(("store", false))
        let reasoningModel = OpenAIModels.isReasoning(context.model)
        if reasoningModel { body.append(("include", ["reasoning.encrypted_content"])) }
        if stream { body.append(("stream", true)) }
        if let m = r.maxOutputTokens { body.append(("max_output_tokens", .int(m))) }
        body += OpenAIModels.sampling(r, model: context.model, reasoningModel: reasoningModel, warnings: &warnings)
        if !r.stop.isEmpty {
            warnings.append(
                Warning(code: "parameter_dropped", message: "the Responses API has no stop sequences; dropped"))
        }
        if !r.tools.isEmpty {
            body.append(
                (
                    "tools",
                    .array(
                        r.tools.map { t in
                            var o: [(key: String, value: JSONValue)] = [
                                ("type", "function"), ("name", .string(t.name)),
                            ]
                            if let d = t.description { o.append(("description", .string(d))) }
                            o.append(("parameters", t.parameters))
                            o.append(("strict", .bool(t.strict ?? false)))
                            return .object(o)
                        })
                ))
            if let c = r.toolChoice {
                switch c {
                case .auto: body.append(("tool_choice", "auto"))
                case .none: body.append(("tool_choice", "none"))
                case .required: body.append(("tool_choice", "required"))
                case .tool(let name): body.append(("tool_choice", ["type": "function", "name": .string(name)]))
                }
            }
        }
        switch r.outputFormat {
        case .text: break
        case .json: body.append(("text", ["format": ["type": "json_object"]]))
        case .jsonSchema(let name, let schema, let strict):
            body.append(
                (
                    "text",
                    [
                        "format": [
                            "type": "json_schema", "name": .string(name), "schema": schema, "strict": .bool(strict),
                        ]
                    ]
                ))
        }
        if let reasoning = r.reasoning {
            if let e = OpenAIModels.effort(reasoning, model: context.model, warnings: &warnings) {
                var o: [(key: String, value: JSONValue)] = [("effort", .string(e))]
                if e != "none" { o.append(("summary", "auto")) }
                body.append(("reasoning", .object(o)))
            }
        } else if reasoningModel {
            body.append(("reasoning", ["summary": "auto"]))
        }
        return WireRequest(path: path, body: .object(body), warnings: warnings)
    }

    private func input(_ messages: [Message], context: CallContext) throws(LLMError) -> [JSONValue] {
        var out: [JSONValue] = []
        for m in messages {
            switch m.role {
            case .system:
                continue  // sent as `instructions`
            case .user:
                let onlyText = m.parts.allSatisfy { if case .text = $0 { true } else { false } }
                if onlyText {
                    out.append(["role": "user", "content": .string(m.text)])
                    continue
                }
                var content: [JSONValue] = []
                for p in m.parts {
                    switch p {
                    case .text(let t): content.append(["type": "input_text", "text": .string(t)])
                    case .image(let s):
                        content.append(["type": "input_image", "image_url": .string(OpenAIChatDialect.url(s))])
                    case .file(let s):
                        switch s {
                        case .url(let u, _): content.append(["type": "input_file", "file_url": .string(u)])
                        case .data(let bytes, let mime, let name):
                            content.append(
                                [
                                    "type": "input_file", "filename": .string(name ?? "document.pdf"),
                                    "file_data": .string("data:\(mime);base64," + Base64.encode(bytes)),
                                ])
                        }
                    case .toolResult(let r):
                        out.append([
                            "type": "function_call_output", "call_id": .string(r.callID), "output": .string(r.content),
                        ])
                    default: break
                    }
                }
                if !content.isEmpty { out.append(["role": "user", "content": .array(content)]) }
            case .assistant:
                var text = ""
                func flushText() {
                    guard !text.isEmpty else { return }
                    out.append(
                        [
                            "type": "message", "role": "assistant",
                            "content": [["type": "output_text", "text": .string(text), "annotations": []]],
                        ])
                    text = ""
                }
                for p in m.parts {
                    switch p {
                    case .text(let t): text += t
                    case .reasoning(let r):
                        // Only reasoning items we can replay statelessly (encrypted content) are sent.
                        guard let encrypted = r.signature else { continue }
                        flushText()
                        var item: [(key: String, value: JSONValue)] = [("type", "reasoning")]
                        if let id = r.itemID { item.append(("id", .string(id))) }
                        item.append(("encrypted_content", .string(encrypted)))
                        item.append(
                            ("summary", r.text.isEmpty ? [] : [["type": "summary_text", "text": .string(r.text)]]))
                        out.append(.object(item))
                    case .toolCall(let c):
                        flushText()
                        var item: [(key: String, value: JSONValue)] = [
                            ("type", "function_call"), ("call_id", .string(c.id)), ("name", .string(c.name)),
                            ("arguments", .string(OpenAIChatDialect.argumentsText(c.arguments))),
                        ]
                        if let id = c.itemID { item.append(("id", .string(id))) }
                        out.append(.object(item))
                    default: break
                    }
                }
                flushText()
            case .tool:
                for case .toolResult(let r) in m.parts {
                    out.append([
                        "type": "function_call_output", "call_id": .string(r.callID), "output": .string(r.content),
                    ])
                }
            }
        }
        return out
    }
}
