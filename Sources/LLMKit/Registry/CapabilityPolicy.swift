import LLMKitCore

/// DESIGN principle 2 for what the registry knows: a request that needs something the
/// model is known not to have is changed with a warning, or rejected when dropping
/// would change the meaning. Models the registry does not list pass through untouched.
enum CapabilityPolicy {
    static func apply(_ info: ModelInfo?, to r: inout ChatRequest, warnings: inout [Warning]) throws(LLMError) {
        guard let info else { return }
        let caps = info.capabilities
        if caps.reasoning == false, let reasoning = r.reasoning, reasoning != .off {
            r.reasoning = nil
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message: "\(info.id) is not a reasoning model; the reasoning setting was not sent"))
        }
        if caps.tools == false, !r.tools.isEmpty {
            throw LLMError(
                .unsupported, "\(info.id) does not support tools; remove them or choose a model with tool calling",
                provider: info.provider)
        }
        if caps.vision == false, !info.input.contains("image"),
            r.messages.contains(where: { m in m.parts.contains { if case .image = $0 { true } else { false } } })
        {
            throw LLMError(
                .unsupported, "\(info.id) does not take images; choose a model with vision", provider: info.provider)
        }
        if let max = info.maxOutput, let asked = r.maxOutputTokens, asked > max {
            r.maxOutputTokens = max
            warnings.append(
                Warning(
                    code: "parameter_clamped",
                    message: "\(info.id) writes at most \(max) tokens: max output \(asked) lowered to \(max)"))
        }
    }
}
