import LLMKitCore

/// Amazon Bedrock Converse (`POST /model/{id}/converse`) and ConverseStream
/// (`/converse-stream`, framed as `application/vnd.amazon.eventstream`).
package struct BedrockDialect: ChatDialect {
    package init() {}

    package var framing: StreamFraming { .awsEventStream }

    package func makeRequest(_ r: ChatRequest, context: CallContext, stream: Bool) throws(LLMError) -> WireRequest {
        var warnings: [Warning] = []
        var body: [(key: String, value: JSONValue)] = []
        var system: [JSONValue] = []
        var messages: [JSONValue] = []
        for m in r.messages {
            switch m.role {
            case .system:
                system.append(["text": .string(m.text)])
            case .user, .tool:
                var blocks: [JSONValue] = []
                for p in m.parts { if let b = try Self.block(p, context: context) { blocks.append(b) } }
                // Tool results and the next user text share one user turn, as Converse requires.
                if case .object(let last)? = messages.last, last.first?.value == "user",
                    m.role == .tool || Self.isToolResultTurn(messages.last)
                {
                    let earlier = messages.removeLast()["content"]?.arrayValue ?? []
                    messages.append(["role": "user", "content": .array(earlier + blocks)])
                } else {
                    messages.append(["role": "user", "content": .array(blocks)])
                }
            case .assistant:
                var blocks: [JSONValue] = []
                for p in m.parts {
                    switch p {
                    case .reasoning(let rp):
                        if rp.redacted, let data = rp.signature {
                            blocks.append(["reasoningContent": ["redactedContent": .string(data)]])
                        } else {
                            var text: [(key: String, value: JSONValue)] = [("text", .string(rp.text))]
                            if let s = rp.signature { text.append(("signature", .string(s))) }
                            blocks.append(["reasoningContent": ["reasoningText": .object(text)]])
                        }
                    case .text(let t):
                        if !t.isEmpty { blocks.append(["text": .string(t)]) }
                    case .toolCall(let c):
                        blocks.append(
                            ["toolUse": ["toolUseId": .string(c.id), "name": .string(c.name), "input": c.arguments]])
                    default:
                        break
                    }
                }
                messages.append(["role": "assistant", "content": .array(blocks)])
            }
        }
        body.append(("messages", .array(messages)))
        if !system.isEmpty { body.append(("system", .array(system))) }
        var inference: [(key: String, value: JSONValue)] = []
        if let n = r.maxOutputTokens { inference.append(("maxTokens", .int(n))) }
        if let t = r.temperature { inference.append(("temperature", .double(t))) }
        if let p = r.topP { inference.append(("topP", .double(p))) }
        if !r.stop.isEmpty { inference.append(("stopSequences", .array(r.stop.map(JSONValue.string)))) }
        if !inference.isEmpty { body.append(("inferenceConfig", .object(inference))) }
        if !r.tools.isEmpty {
            var config: [(key: String, value: JSONValue)] = [
                (
                    "tools",
                    .array(
                        r.tools.map { t in
                            var spec: [(key: String, value: JSONValue)] = [("name", .string(t.name))]
                            if let d = t.description, !d.isEmpty { spec.append(("description", .string(d))) }
                            spec.append(("inputSchema", ["json": t.parameters]))
                            return ["toolSpec": .object(spec)]
                        })
                )
            ]
            switch r.toolChoice {
            case nil, .auto?: break
            case .required?: config.append(("toolChoice", ["any": [:]]))
            case .tool(let name)?: config.append(("toolChoice", ["tool": ["name": .string(name)]]))
            case .none?:
                warnings.append(
                    Warning(
                        code: "parameter_dropped",
                        message: "Bedrock Converse has no tool choice 'none'; tools were sent"))
            }
            body.append(("toolConfig", .object(config)))
        }
        switch r.outputFormat {
        case .text: break
        case .json, .jsonSchema:
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message: "Bedrock Converse has no JSON output mode; ask for JSON in the prompt or use a tool"))
        }
        if let reasoning = r.reasoning {
            if let fields = Self.reasoningFields(reasoning, model: context.model, warnings: &warnings) {
                body.append(("additionalModelRequestFields", fields))
            }
        }
        let path = "/model/\(context.model.addingPercentEncodingForPath)/\(stream ? "converse-stream" : "converse")"
        return WireRequest(path: path, body: .object(body), warnings: warnings)
    }

    private static func isToolResultTurn(_ v: JSONValue?) -> Bool {
        v?["content"]?.arrayValue?.contains { $0["toolResult"] != nil } ?? false
    }

    /// Claude on Bedrock takes Anthropic's `thinking` through `additionalModelRequestFields`;
    /// other models (gpt-oss, Nova) take `reasoning_effort` / `reasoningConfig` there.
    static func reasoningFields(_ config: ReasoningConfig, model: String, warnings: inout [Warning]) -> JSONValue? {
        let isClaude = model.contains("anthropic.claude")
        switch config {
        case .off:
            if isClaude { return nil }
            warnings.append(
                Warning(
                    code: "reasoning_approximated",
                    message: "\(model) cannot turn reasoning off on Bedrock: sent reasoning_effort 'low'"))
            return ["reasoning_effort": "low"]
        case .budget(let n):
            if isClaude { return ["thinking": ["type": "enabled", "budget_tokens": .int(max(n, 1024))]] }
            warnings.append(
                Warning(
                    code: "reasoning_approximated",
                    message: "\(model) takes a reasoning effort, not a budget: \(n) tokens sent as 'medium'"))
            return ["reasoning_effort": "medium"]
        case .effort(let e):
            if isClaude {
                let budget = e.thinkingBudget
                warnings.append(
                    Warning(
                        code: "reasoning_approximated",
                        message:
                            "Claude on Bedrock takes a thinking budget: effort '\(e.rawValue)' sent as \(budget) tokens"
                    ))
                return ["thinking": ["type": "enabled", "budget_tokens": .int(budget)]]
            }
            return ["reasoning_effort": .string(e == .minimal ? "low" : e.rawValue)]
        }
    }

    static func block(_ p: Part, context: CallContext) throws(LLMError) -> JSONValue? {
        switch p {
        case .text(let t): return ["text": .string(t)]
        case .toolResult(let r):
            var result: [(key: String, value: JSONValue)] = [
                ("toolUseId", .string(r.callID)), ("content", [["text": .string(r.content)]]),
            ]
            if r.isError { result.append(("status", "error")) }
            return ["toolResult": .object(result)]
        case .image(let s), .file(let s):
            guard case .data(let bytes, let mime, let name) = s else {
                throw LLMError(
                    .unsupported, "Bedrock Converse takes images and documents as bytes, not URLs",
                    provider: context.provider)
            }
            let format = String(mime.split(separator: "/").last ?? "png")
            if case .image = p {
                return ["image": ["format": .string(format), "source": ["bytes": .string(Base64.encode(bytes))]]]
            }
            return [
                "document": [
                    "format": .string(format), "name": .string(Self.documentName(name)),
                    "source": ["bytes": .string(Base64.encode(bytes))],
                ]
            ]
        default:
            return nil
        }
    }

    /// Bedrock document names allow letters, digits, single spaces, hyphens, parentheses and brackets.
    static func documentName(_ name: String?) -> String {
        let base = (name ?? "document").split(separator: ".").first.map(String.init) ?? "document"
        let kept = base.unicodeScalars.filter {
            ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0)
                || " -()[]".unicodeScalars.contains($0)
        }
        let s = String(String.UnicodeScalarView(kept))
        return s.isEmpty ? "document" : s
    }
}
