@_spi(LLMKitInternal) import LLMKitCore

extension OpenAIChatDialect {
    /// The request members that express `config` for a provider with `control`.
    static func reasoning(
        _ config: ReasoningConfig, control: ReasoningControl, offEffort: String? = nil, context: CallContext,
        warnings: inout [Warning]
    ) -> [(key: String, value: JSONValue)] {
        func approximated(_ message: String) {
            warnings.append(Warning(code: "reasoning_approximated", message: message))
        }
        switch control {
        case .effort:
            if config == .off, let offEffort { return [("reasoning_effort", .string(offEffort))] }
            guard let e = OpenAIModels.effort(config, model: context.model, warnings: &warnings) else { return [] }
            return [("reasoning_effort", .string(e))]
        case .deepSeekThinking:
            switch config {
            case .off: return [("thinking", ["type": "disabled"])]
            case .effort(let e):
                let mapped = e == .high ? "high" : "low"
                if mapped != e.rawValue {
                    approximated("DeepSeek takes reasoning effort low or high: '\(e.rawValue)' sent as '\(mapped)'")
                }
                return [("thinking", ["type": "enabled"]), ("reasoning_effort", .string(mapped))]
            case .budget(let n):
                approximated("DeepSeek has no thinking budget: \(n) tokens ignored, thinking enabled")
                return [("thinking", ["type": "enabled"])]
            }
        case .thinkingType:
            switch config {
            case .off: return [("thinking", ["type": "disabled"])]
            case .effort(let e):
                approximated("\(context.provider) takes thinking on or off: effort '\(e.rawValue)' sent as enabled")
            case .budget(let n):
                approximated("\(context.provider) takes thinking on or off: budget \(n) sent as enabled")
            }
            return [("thinking", ["type": "enabled"])]
        case .enableThinking:
            switch config {
            case .off: return [("enable_thinking", false)]
            case .effort(let e):
                approximated(
                    "\(context.provider) takes a thinking budget, not an effort: '\(e.rawValue)' sent as enabled")
                return [("enable_thinking", true)]
            case .budget(let n): return [("enable_thinking", true), ("thinking_budget", .int(n))]
            }
        case .openRouter:
            switch config {
            case .off: return [("reasoning", ["enabled": false])]
            case .effort(let e): return [("reasoning", ["effort": .string(e.rawValue)])]
            case .budget(let n): return [("reasoning", ["max_tokens": .int(n)])]
            }
        case .none:
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message: "\(context.provider) has no reasoning control; the reasoning setting was not sent"))
            return []
        }
    }
}

extension OpenAIChatDialect {
    /// Sources under the top-level `fields`: arrays of URL strings (`citations`) or of
    /// objects with `url`, `title`, `date` (`search_results`). Duplicate URLs are kept once,
    /// the richer entry winning.
    static func citations(_ t: JSONTape, fields: [String]) -> [Citation] {
        guard !fields.isEmpty else { return [] }
        var out: [Citation] = []
        t.forEachMember(t.root) { k, v in
            guard fields.contains(where: { t.keyEquals(k, runtime: $0) }) else { return }
            t.forEachElement(v) { e in
                let c: Citation?
                if let url = t.string(e) {
                    c = Citation(url: url)
                } else if let url = t.member(e, "url").flatMap(t.string) {
                    c = Citation(
                        url: url, title: t.member(e, "title").flatMap(t.string),
                        date: t.member(e, "date").flatMap(t.string))
                } else {
                    c = nil
                }
                guard let c else { return }
                if let i = out.firstIndex(where: { $0.url == c.url }) {
                    if out[i].title == nil { out[i] = c }
                } else {
                    out.append(c)
                }
            }
        }
        return out
    }
}
