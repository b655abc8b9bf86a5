import LLMKitCore

/// Google Gemini `generateContent` / `streamGenerateContent?alt=sse`, on the
/// Gemini API or (with `vertex` set) on Vertex AI: same wire, other URLs.
package struct GeminiDialect: ChatDialect {
    let vertex: (project: String, location: String)?

    package init(vertex: (project: String, location: String)?) { self.vertex = vertex }

    func path(model: String, stream: Bool) -> String {
        let method = stream ? "streamGenerateContent?alt=sse" : "generateContent"
        if let v = vertex {
            return "/v1/projects/\(v.project)/locations/\(v.location)/publishers/google/models/\(model):\(method)"
        }
        return "/v1beta/models/\(model):\(method)"
    }

    package func makeRequest(_ r: ChatRequest, context: CallContext, stream: Bool) throws(LLMError) -> WireRequest {
        var warnings: [Warning] = []
        var body: [(key: String, value: JSONValue)] = []
        body.append(("contents", .array(try contents(r.messages, context: context))))
        let system = r.messages.filter { $0.role == .system }.map(\.text)
        if !system.isEmpty {
            body.append(("systemInstruction", ["parts": .array(system.map { ["text": .string($0)] })]))
        }
        if !r.tools.isEmpty {
            let decls: [JSONValue] = r.tools.map { t in
                var o: [(key: String, value: JSONValue)] = [("name", .string(t.name))]
                if let d = t.description { o.append(("description", .string(d))) }
                o.append(("parametersJsonSchema", t.parameters))
                return .object(o)
            }
            body.append(("tools", [["functionDeclarations": .array(decls)]]))
            if let c = r.toolChoice {
                let config: JSONValue =
                    switch c {
                    case .auto: ["mode": "AUTO"]
                    case .none: ["mode": "NONE"]
                    case .required: ["mode": "ANY"]
                    case .tool(let name): ["mode": "ANY", "allowedFunctionNames": [.string(name)]]
                    }
                body.append(("toolConfig", ["functionCallingConfig": config]))
            }
        }
        var gen: [(key: String, value: JSONValue)] = []
        if let m = r.maxOutputTokens { gen.append(("maxOutputTokens", .int(m))) }
        if let t = r.temperature { gen.append(("temperature", .double(t))) }
        if let p = r.topP { gen.append(("topP", .double(p))) }
        if !r.stop.isEmpty { gen.append(("stopSequences", .array(r.stop.map(JSONValue.string)))) }
        switch r.outputFormat {
        case .text: break
        case .json: gen.append(("responseMimeType", "application/json"))
        case .jsonSchema(_, let schema, _):
            gen.append(("responseMimeType", "application/json"))
            gen.append(("responseJsonSchema", schema))
        }
        if let reasoning = r.reasoning,
            let tc = Self.thinkingConfig(reasoning, model: context.model, warnings: &warnings)
        {
            gen.append(("thinkingConfig", tc))
        }
        if !gen.isEmpty { body.append(("generationConfig", .object(gen))) }
        return WireRequest(path: path(model: context.model, stream: stream), body: .object(body), warnings: warnings)
    }

    /// Gemini 3 takes `thinkingLevel`; 2.5 takes `thinkingBudget` (0 turns it off on Flash models).
    static func thinkingConfig(_ config: ReasoningConfig, model: String, warnings: inout [Warning]) -> JSONValue? {
        let m = model.lowercased()
        let levels = m.hasPrefix("gemini-3")
        let proModel = m.contains("pro")
        func warn(_ s: String) { warnings.append(Warning(code: "reasoning_approximated", message: s)) }
        switch config {
        case .off:
            if levels {
                let level = proModel ? "low" : "minimal"
                warn("\(model) cannot turn thinking off: sent thinkingLevel '\(level)'")
                return ["thinkingLevel": .string(level)]
            }
            if proModel {
                warn("\(model) cannot turn thinking off: the model's default thinking is used")
                return nil
            }
            return ["thinkingBudget": 0]
        case .effort(let e):
            if levels {
                var level = e.rawValue
                if proModel, e == .minimal || e == .medium {
                    level = e == .minimal ? "low" : "high"
                    warn("\(model) takes thinkingLevel low or high: '\(e.rawValue)' sent as '\(level)'")
                }
                return ["thinkingLevel": .string(level), "includeThoughts": true]
            }
            let budget = e == .minimal ? 512 : e == .low ? 1024 : e == .medium ? 8192 : 24576
            warn("\(model) takes a thinking budget: effort '\(e.rawValue)' sent as thinkingBudget \(budget)")
            return ["thinkingBudget": .int(budget), "includeThoughts": true]
        case .budget(let n):
            if levels {
                let level = n <= 2048 ? "low" : "high"
                warn("\(model) takes a thinking level: budget \(n) sent as thinkingLevel '\(level)'")
                return ["thinkingLevel": .string(level), "includeThoughts": true]
            }
            return ["thinkingBudget": .int(n), "includeThoughts": true]
        }
    }

    private func contents(_ messages: [Message], context: CallContext) throws(LLMError) -> [JSONValue] {
        var names: [String: String] = [:]  // call id -> function name, for functionResponse
        var out: [(role: String, parts: [JSONValue])] = []
        for m in messages where m.role != .system {
            let role = m.role == .assistant ? "model" : "user"
            var parts: [JSONValue] = []
            for p in m.parts {
                switch p {
                case .text(let t):
                    parts.append(["text": .string(t)])
                case .image(let s), .file(let s):
                    parts.append(try Self.media(s, context: context))
                case .toolCall(let c):
                    names[c.id] = c.name
                    var call: [(key: String, value: JSONValue)] = [("name", .string(c.name)), ("args", c.arguments)]
                    if let real = c.itemID { call.append(("id", .string(real))) }
                    var part: [(key: String, value: JSONValue)] = [("functionCall", .object(call))]
                    if let s = c.signature { part.append(("thoughtSignature", .string(s))) }
                    parts.append(.object(part))
                case .toolResult(let r):
                    let name = r.name ?? names[r.callID] ?? r.callID
                    let parsed = try? JSONValue(parsing: r.content.utf8)
                    let response: JSONValue =
                        if case .object? = parsed { parsed! } else {
                            [r.isError ? "error" : "result": .string(r.content)]
                        }
                    var fr: [(key: String, value: JSONValue)] = [("name", .string(name)), ("response", response)]
                    if !r.callID.hasPrefix(Self.syntheticIDPrefix) { fr.append(("id", .string(r.callID))) }
                    parts.append(["functionResponse": .object(fr)])
                case .reasoning(let r):
                    guard m.role == .assistant else { continue }
                    if r.text.isEmpty, let s = r.signature {
                        // A signature that came on a non-thought part: put it back on that part.
                        if let last = parts.last, last["thoughtSignature"] == nil, last["text"] != nil {
                            parts[parts.count - 1] = last.setting("thoughtSignature", .string(s))
                        } else {
                            parts.append(["text": "", "thoughtSignature": .string(s)])
                        }
                    } else if !r.text.isEmpty {
                        var part: [(key: String, value: JSONValue)] = [("text", .string(r.text)), ("thought", true)]
                        if let s = r.signature { part.append(("thoughtSignature", .string(s))) }
                        parts.append(.object(part))
                    }
                }
            }
            guard !parts.isEmpty else { continue }
            if out.last?.role == role {
                out[out.count - 1].parts += parts
            } else {
                out.append((role, parts))
            }
        }
        return out.map { ["role": .string($0.role), "parts": .array($0.parts)] }
    }

    /// Ids LLMKit makes up for calls Gemini sent without one; never sent back.
    static let syntheticIDPrefix = "gemini-call-"

    static func media(_ s: MediaSource, context: CallContext) throws(LLMError) -> JSONValue {
        switch s {
        case .data(let bytes, let mime, _):
            return ["inlineData": ["mimeType": .string(mime), "data": .string(Base64.encode(bytes))]]
        case .url(let u, let mime):
            guard let mime else {
                throw LLMError(
                    .invalidRequest, "Gemini needs the MIME type of a file given by URL: pass mimeType",
                    provider: context.provider)
            }
            return ["fileData": ["mimeType": .string(mime), "fileUri": .string(u)]]
        }
    }
}
