import LLMKitCore

/// Anthropic Messages API (`POST /v1/messages`).
package struct AnthropicDialect: ChatDialect {
    package init() {}

    static let version = "2023-06-01"

    /// Claude 4.6 models take adaptive thinking (budgets deprecated); 4.7 and later take only adaptive.
    static func thinkingStyle(_ model: String) -> (adaptive: Bool, adaptiveOnly: Bool) {
        let m = model.lowercased()
        if m.contains("opus-4-6") || m.contains("sonnet-4-6") { return (true, false) }
        if m.contains("opus-4-7") || m.contains("mythos") || m.contains("fable") { return (true, true) }
        for major in ["-5", "-6", "-7"]
        where m.contains("opus\(major)") || m.contains("sonnet\(major)") || m.contains("haiku\(major)") {
            return (true, true)
        }
        return (false, false)
    }

    package func makeRequest(_ r: ChatRequest, context: CallContext, stream: Bool) throws(LLMError) -> WireRequest {
        var warnings: [Warning] = []
        var body: [(key: String, value: JSONValue)] = [("model", .string(context.model))]
        var thinking: JSONValue?
        var effort: String?
        var budget: Int?
        let style = r.reasoning == nil ? (adaptive: false, adaptiveOnly: false) : Self.thinkingStyle(context.model)
        switch r.reasoning {
        case nil, .off?:
            break
        case .effort(let e)?:
            if style.adaptive {
                thinking = ["type": "adaptive"]
                effort = e == .minimal ? "low" : e.rawValue
                if e == .minimal {
                    warnings.append(
                        Warning(
                            code: "reasoning_approximated", message: "Anthropic has no 'minimal' effort: sent 'low'"))
                }
            } else {
                budget = e.thinkingBudget
                warnings.append(
                    Warning(
                        code: "reasoning_approximated",
                        message:
                            "\(context.model) takes a thinking budget: effort '\(e.rawValue)' sent as budget_tokens \(budget!)"
                    ))
            }
        case .budget(let n)?:
            if style.adaptiveOnly {
                thinking = ["type": "adaptive"]
                effort = n <= 2048 ? "low" : n <= 12000 ? "medium" : "high"
                warnings.append(
                    Warning(
                        code: "reasoning_approximated",
                        message:
                            "\(context.model) takes only adaptive thinking: budget \(n) sent as effort '\(effort!)'"))
            } else {
                budget = max(1024, n)
                if n < 1024 {
                    warnings.append(
                        Warning(
                            code: "reasoning_approximated",
                            message: "Anthropic's smallest thinking budget is 1024 tokens: \(n) raised to 1024"))
                }
            }
        }
        var maxTokens = r.maxOutputTokens ?? 4096
        if let b = budget {
            if let m = r.maxOutputTokens, m <= b {
                maxTokens = b + m
                warnings.append(
                    Warning(
                        code: "max_tokens_raised",
                        message: "max_tokens must exceed the thinking budget: sent \(maxTokens) (budget \(b) + \(m))"))
            } else if r.maxOutputTokens == nil {
                maxTokens = b + 4096
            }
            thinking = ["type": "enabled", "budget_tokens": .int(b)]
        }
        body.append(("max_tokens", .int(maxTokens)))
        let system = r.messages.filter { $0.role == .system }
        if !system.isEmpty {
            var blocks: [JSONValue] = []
            for m in system {
                var block: JSONValue = ["type": "text", "text": .string(m.text)]
                if let c = m.cacheControl { block = block.setting("cache_control", Self.cacheControl(c)) }
                blocks.append(block)
            }
            body.append(("system", .array(blocks)))
        }
        body.append(("messages", .array(try messages(r.messages, context: context, warnings: &warnings))))
        if let thinking { body.append(("thinking", thinking)) }
        var outputConfig: [(key: String, value: JSONValue)] = []
        if let effort { outputConfig.append(("effort", .string(effort))) }
        switch r.outputFormat {
        case .text: break
        case .json:
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message: "Anthropic has no schema-less JSON mode: use .jsonSchema, or ask for JSON in the prompt"))
        case .jsonSchema(_, let schema, _):
            outputConfig.append(("format", ["type": "json_schema", "schema": schema]))
        }
        if !outputConfig.isEmpty { body.append(("output_config", .object(outputConfig))) }
        if let t = r.temperature {
            if thinking != nil {
                warnings.append(
                    Warning(
                        code: "parameter_dropped",
                        message: "Anthropic does not accept temperature with thinking; dropped"))
            } else {
                body.append(("temperature", .double(t)))
            }
        }
        if let p = r.topP { body.append(("top_p", .double(p))) }
        if !r.stop.isEmpty { body.append(("stop_sequences", .array(r.stop.map(JSONValue.string)))) }
        if !r.tools.isEmpty {
            body.append(
                (
                    "tools",
                    .array(
                        r.tools.map { t in
                            var o: [(key: String, value: JSONValue)] = [("name", .string(t.name))]
                            if let d = t.description { o.append(("description", .string(d))) }
                            o.append(("input_schema", t.parameters))
                            if let s = t.strict { o.append(("strict", .bool(s))) }
                            return .object(o)
                        })
                ))
            if let c = r.toolChoice {
                switch c {
                case .auto: body.append(("tool_choice", ["type": "auto"]))
                case .none: body.append(("tool_choice", ["type": "none"]))
                case .required: body.append(("tool_choice", ["type": "any"]))
                case .tool(let name): body.append(("tool_choice", ["type": "tool", "name": .string(name)]))
                }
            }
        }
        if stream { body.append(("stream", true)) }
        return WireRequest(
            path: "/v1/messages", body: .object(body), headers: [("anthropic-version", Self.version)],
            warnings: warnings)
    }

    static func cacheControl(_ c: CacheControl) -> JSONValue {
        var o: [(key: String, value: JSONValue)] = [("type", "ephemeral")]
        if let ttl = c.ttl { o.append(("ttl", .string(ttl))) }
        return .object(o)
    }

    private func messages(
        _ messages: [Message], context: CallContext, warnings: inout [Warning]
    ) throws(LLMError) -> [JSONValue] {
        var out: [(role: String, blocks: [JSONValue])] = []
        var unsigned = 0
        for m in messages where m.role != .system {
            let role = m.role == .assistant ? "assistant" : "user"
            var blocks: [JSONValue] = []
            for p in m.parts {
                switch p {
                case .text(let t):
                    if !t.isEmpty { blocks.append(["type": "text", "text": .string(t)]) }
                case .image(let s):
                    blocks.append(["type": "image", "source": Self.source(s)])
                case .file(let s):
                    var block: JSONValue = ["type": "document", "source": Self.source(s)]
                    if case .data(_, _, let name?) = s { block = block.setting("title", .string(name)) }
                    blocks.append(block)
                case .toolCall(let c):
                    let input: JSONValue = if case .object = c.arguments { c.arguments } else { .object([]) }
                    blocks.append(["type": "tool_use", "id": .string(c.id), "name": .string(c.name), "input": input])
                case .toolResult(let r):
                    var block: JSONValue = [
                        "type": "tool_result", "tool_use_id": .string(r.callID), "content": .string(r.content),
                    ]
                    if r.isError { block = block.setting("is_error", true) }
                    blocks.append(block)
                case .reasoning(let r):
                    guard m.role == .assistant else { continue }
                    if r.redacted, let data = r.signature {
                        blocks.append(["type": "redacted_thinking", "data": .string(data)])
                    } else if let signature = r.signature {
                        blocks.append([
                            "type": "thinking", "thinking": .string(r.text), "signature": .string(signature),
                        ])
                    } else {
                        unsigned += 1
                    }
                }
            }
            if let c = m.cacheControl, !blocks.isEmpty {
                blocks[blocks.count - 1] = blocks[blocks.count - 1].setting("cache_control", Self.cacheControl(c))
            }
            guard !blocks.isEmpty else { continue }
            // Anthropic wants alternating roles: merge neighbours (e.g. several tool results).
            if out.last?.role == role {
                out[out.count - 1].blocks += blocks
            } else {
                out.append((role, blocks))
            }
        }
        if unsigned > 0 {
            warnings.append(
                Warning(
                    code: "reasoning_dropped",
                    message:
                        "dropped \(unsigned) reasoning part(s) without an Anthropic signature (Anthropic rejects unsigned thinking)"
                ))
        }
        return out.map { ["role": .string($0.role), "content": .array($0.blocks)] }
    }

    static func source(_ s: MediaSource) -> JSONValue {
        switch s {
        case .url(let u, _): return ["type": "url", "url": .string(u)]
        case .data(let bytes, let mime, _):
            return ["type": "base64", "media_type": .string(mime), "data": .string(Base64.encode(bytes))]
        }
    }
}
