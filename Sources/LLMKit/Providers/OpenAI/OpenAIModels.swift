import LLMKitCore

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
