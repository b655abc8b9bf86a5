import LLMKitCore

extension OpenAIChatDialect {
    package func makeRequest(_ r: ChatRequest, context: CallContext, stream: Bool) throws(LLMError) -> WireRequest {
        var warnings: [Warning] = []
        var body: [(key: String, value: JSONValue)] = [("model", .string(context.model))]
        body.append(
            (
                "messages",
                .array(try messages(r.messages, hasTools: !r.tools.isEmpty, context: context, warnings: &warnings))
            ))
        if stream {
            body.append(("stream", true))
            if quirks.streamUsageOption { body.append(("stream_options", ["include_usage": true])) }
        }
        let reasoningModel = context.family == "openai" && OpenAIModels.isReasoning(context.model)
        if let max = r.maxOutputTokens {
            body.append((reasoningModel ? "max_completion_tokens" : quirks.maxTokensField, .int(max)))
        }
        body += OpenAIModels.sampling(r, model: context.model, reasoningModel: reasoningModel, warnings: &warnings)
        if !r.stop.isEmpty { body.append(("stop", .array(r.stop.map(JSONValue.string)))) }
        if !r.tools.isEmpty {
            body.append(("tools", .array(r.tools.map(Self.tool))))
            if let choice = r.toolChoice { body.append(("tool_choice", Self.toolChoice(choice))) }
        }
        switch r.outputFormat {
        case .text: break
        case .json: body.append(("response_format", ["type": "json_object"]))
        case .jsonSchema(let name, let schema, let strict):
            body.append(
                (
                    "response_format",
                    [
                        "type": "json_schema",
                        "json_schema": ["name": .string(name), "schema": schema, "strict": .bool(strict)],
                    ]
                ))
        }
        if let reasoning = r.reasoning {
            body += Self.reasoning(
                reasoning, control: quirks.reasoningControl, offEffort: quirks.offEffort, context: context,
                warnings: &warnings)
        }
        for name in quirks.unsupportedParameters {
            guard let i = body.firstIndex(where: { $0.key == name }) else { continue }
            body.remove(at: i)
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message: "\(context.provider) does not support '\(name)'; it was not sent"))
        }
        return WireRequest(path: quirks.path, body: .object(body), warnings: warnings)
    }

    private func messages(
        _ messages: [Message], hasTools: Bool, context: CallContext, warnings: inout [Warning]
    ) throws(LLMError) -> [JSONValue] {
        var out: [JSONValue] = []
        out.reserveCapacity(messages.count)
        for m in messages {
            switch m.role {
            case .system:
                out.append(["role": "system", "content": .string(m.text)])
            case .user:
                let onlyText = m.parts.allSatisfy { if case .text = $0 { true } else { false } }
                if onlyText {
                    out.append(["role": "user", "content": .string(m.text)])
                } else {
                    out.append(["role": "user", "content": .array(try contentParts(m.parts, context: context))])
                }
            case .assistant:
                var msg: [(key: String, value: JSONValue)] = [("role", "assistant")]
                let text = m.text
                let calls = m.toolCalls
                let hasReasoning = m.parts.contains { if case .reasoning = $0 { true } else { false } }
                if quirks.contentChunks, hasReasoning {
                    // Mistral takes thinking back as chunks of the assistant content.
                    var chunks: [JSONValue] = []
                    for p in m.parts {
                        switch p {
                        case .reasoning(let r):
                            chunks.append([
                                "type": "thinking", "thinking": [["type": "text", "text": .string(r.text)]],
                            ])
                        case .text(let t): chunks.append(["type": "text", "text": .string(t)])
                        default: break
                        }
                    }
                    msg.append(("content", .array(chunks)))
                } else {
                    msg.append(("content", text.isEmpty && !calls.isEmpty ? .null : .string(text)))
                }
                if quirks.contentChunks {
                    // sent above
                } else if let field = quirks.reasoningBackField {
                    var reasoning: String?
                    for case .reasoning(let r) in m.parts { reasoning = (reasoning ?? "") + r.text }
                    // With tools, DeepSeek wants reasoning_content on every assistant turn (empty when none).
                    if let reasoning = reasoning ?? (hasTools ? "" : nil) {
                        msg.append((field, .string(reasoning)))
                    }
                } else if quirks.reasoningDetailsBack {
                    var details: [JSONValue] = []
                    for case .reasoning(let r) in m.parts {
                        if r.redacted, let data = r.signature {
                            details.append(["type": "reasoning.encrypted", "data": .string(data)])
                        } else {
                            var d: [(key: String, value: JSONValue)] = [
                                ("type", "reasoning.text"), ("text", .string(r.text)),
                            ]
                            if let sig = r.signature { d.append(("signature", .string(sig))) }
                            details.append(.object(d))
                        }
                    }
                    if !details.isEmpty { msg.append(("reasoning_details", .array(details))) }
                } else if m.parts.contains(where: { if case .reasoning = $0 { true } else { false } }) {
                    warnings.append(
                        Warning(
                            code: "reasoning_dropped",
                            message:
                                "\(context.provider) Chat Completions does not take reasoning back; it was not sent"))
                }
                if !calls.isEmpty {
                    msg.append(
                        (
                            "tool_calls",
                            .array(
                                calls.map { c in
                                    [
                                        "id": .string(c.id), "type": "function",
                                        "function": [
                                            "name": .string(c.name),
                                            "arguments": .string(Self.argumentsText(c.arguments)),
                                        ],
                                    ]
                                })
                        ))
                }
                out.append(.object(msg))
            case .tool:
                for case .toolResult(let r) in m.parts {
                    out.append(["role": "tool", "tool_call_id": .string(r.callID), "content": .string(r.content)])
                }
            }
        }
        return out
    }

    private func contentParts(_ parts: [Part], context: CallContext) throws(LLMError) -> [JSONValue] {
        var out: [JSONValue] = []
        for p in parts {
            switch p {
            case .text(let t): out.append(["type": "text", "text": .string(t)])
            case .image(let s):
                out.append(["type": "image_url", "image_url": ["url": .string(Self.url(s))]])
            case .file(let s):
                guard case .data(let bytes, let mime, let name) = s else {
                    throw LLMError(
                        .unsupported, "\(context.provider) Chat Completions takes files as bytes, not URLs",
                        provider: context.provider)
                }
                out.append(
                    [
                        "type": "file",
                        "file": [
                            "filename": .string(name ?? "document.pdf"),
                            "file_data": .string("data:\(mime);base64," + Base64.encode(bytes)),
                        ],
                    ])
            default:
                break
            }
        }
        return out
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

    static func tool(_ t: ToolDefinition) -> JSONValue {
        var f: [(key: String, value: JSONValue)] = [("name", .string(t.name))]
        if let d = t.description { f.append(("description", .string(d))) }
        f.append(("parameters", t.parameters))
        if let s = t.strict { f.append(("strict", .bool(s))) }
        return ["type": "function", "function": .object(f)]
    }

    static func toolChoice(_ c: ToolChoice) -> JSONValue {
        switch c {
        case .auto: "auto"
        case .none: "none"
        case .required: "required"
        case .tool(let name): ["type": "function", "function": ["name": .string(name)]]
        }
    }
}
