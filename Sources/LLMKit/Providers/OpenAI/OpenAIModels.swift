import LLMKitCore

/// The reasoning-related facts of OpenAI model names.
package enum OpenAIModels {
    /// o-series, gpt-5 and codex models: reasoning models, served best by the Responses API.
    package static func prefersResponses(_ model: String) -> Bool {
        if let r = ASCIIName.with(model, { $0.prefersResponses }) { return r }
        let m = model.lowercased()
        return m.hasPrefix("o1") || m.hasPrefix("o3") || m.hasPrefix("o4") || m.hasPrefix("gpt-5")
            || m.contains("codex")
    }

    package static func isReasoning(_ model: String) -> Bool {
        if let r = ASCIIName.with(model, { !($0.hasPrefix("gpt-5") && $0.contains("chat")) && $0.prefersResponses }) {
            return r
        }
        let m = model.lowercased()
        if m.hasPrefix("gpt-5") && m.contains("chat") { return false }
        return prefersResponses(m)
    }

    /// An all-ASCII model name compared in place (`lowercased()` and the generic `contains`
    /// cost ~15k instructions per request). For ASCII text, comparing bytes after ASCII case
    /// folding gives exactly the answers of `lowercased()` + `hasPrefix` / `contains`; other
    /// names take the `String` path.
    private struct ASCIIName {
        let b: UnsafeBufferPointer<UInt8>

        static func with(_ s: String, _ body: (ASCIIName) -> Bool) -> Bool? {
            let r: Bool?? = s.utf8.withContiguousStorageIfAvailable { b in
                b.allSatisfy { $0 < 0x80 } ? body(ASCIIName(b: b)) : nil
            }
            return r ?? nil
        }

        var prefersResponses: Bool {
            hasPrefix("o1") || hasPrefix("o3") || hasPrefix("o4") || hasPrefix("gpt-5") || contains("codex")
        }

        @inline(__always) private func lower(_ k: Int) -> UInt8 {
            let c = b[k]
            return c &- 65 < 26 ? c | 0x20 : c
        }

        func hasPrefix(_ p: StaticString) -> Bool { matches(p, at: 0) }

        func contains(_ p: StaticString) -> Bool {
            guard b.count >= p.utf8CodeUnitCount else { return false }
            for start in 0...(b.count - p.utf8CodeUnitCount) where matches(p, at: start) { return true }
            return false
        }

        private func matches(_ p: StaticString, at start: Int) -> Bool {
            let n = p.utf8CodeUnitCount
            guard start + n <= b.count else { return false }
            for k in 0..<n where lower(start + k) != p.utf8Start[k] { return false }
            return true
        }
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
