import LLMKitCore

/// Rules for sending a history that holds reasoning back to a provider.
package enum HandBack {
    /// Removes reasoning parts and call signatures that `family` cannot accept
    /// because another provider produced them, adding one warning per source.
    package static func strip(_ messages: [Message], for family: String, warnings: inout [Warning]) -> [Message] {
        var dropped: [String: Int] = [:]
        var out = messages
        for m in out.indices where out[m].role == .assistant {
            var parts: [Part] = []
            parts.reserveCapacity(out[m].parts.count)
            for p in out[m].parts {
                switch p {
                case .reasoning(let r):
                    if let source = r.provider, source != family {
                        dropped[source, default: 0] += 1
                    } else {
                        parts.append(p)
                    }
                case .toolCall(var c):
                    if let source = c.provider, source != family {
                        c.signature = nil
                        c.itemID = nil
                        c.provider = nil
                        dropped[source, default: 0] += 1
                        parts.append(.toolCall(c))
                    } else {
                        parts.append(p)
                    }
                default:
                    parts.append(p)
                }
            }
            out[m].parts = parts
        }
        for (source, count) in dropped.sorted(by: { $0.key < $1.key }) {
            warnings.append(
                Warning(
                    code: "reasoning_dropped",
                    message:
                        "dropped \(count) reasoning item(s) produced by \(source): \(family) cannot verify another provider's reasoning"
                ))
        }
        return out
    }
}

/// The reasoning-related facts of OpenAI model names.
package enum OpenAIModels {
    /// o-series, gpt-5 and codex models: reasoning models, served best by the Responses API.
    package static func prefersResponses(_ model: String) -> Bool {
        let m = model.lowercased()
        return m.hasPrefix("o1") || m.hasPrefix("o3") || m.hasPrefix("o4") || m.hasPrefix("gpt-5")
            || m.contains("codex")
    }

    package static func isReasoning(_ model: String) -> Bool {
        let m = model.lowercased()
        if m.hasPrefix("gpt-5") && m.contains("chat") { return false }
        return prefersResponses(m)
    }

    /// `temperature` and `top_p`, which OpenAI reasoning models reject: dropped for them, with warnings.
    package static func sampling(
        _ r: ChatRequest, model: String, reasoningModel: Bool, warnings: inout [Warning]
    ) -> [(key: String, value: JSONValue)] {
        var out: [(key: String, value: JSONValue)] = []
        for (name, value) in [("temperature", r.temperature), ("top_p", r.topP)] {
            guard let value else { continue }
            if reasoningModel {
                warnings.append(
                    Warning(code: "parameter_dropped", message: "\(model) does not accept \(name); dropped"))
            } else {
                out.append((name, .double(value)))
            }
        }
        return out
    }

    /// Maps a neutral reasoning config to an OpenAI effort, with a warning when approximated.
    package static func effort(_ config: ReasoningConfig, model: String, warnings: inout [Warning]) -> String? {
        switch config {
        case .effort(let e):
            return e.rawValue
        case .budget(let tokens):
            let e = tokens <= 2048 ? "low" : tokens <= 12000 ? "medium" : "high"
            warnings.append(
                Warning(
                    code: "reasoning_approximated",
                    message: "OpenAI takes a reasoning effort, not a token budget: \(tokens) tokens sent as '\(e)'"))
            return e
        case .off:
            let m = model.lowercased()
            if m.hasPrefix("gpt-5.") { return "none" }
            if m.hasPrefix("gpt-5") {
                warnings.append(
                    Warning(
                        code: "reasoning_approximated",
                        message: "\(model) cannot turn reasoning off: sent reasoning effort 'minimal'"))
                return "minimal"
            }
            if isReasoning(m) {
                warnings.append(
                    Warning(
                        code: "reasoning_approximated",
                        message: "\(model) cannot turn reasoning off: sent reasoning effort 'low'"))
                return "low"
            }
            return nil
        }
    }
}
