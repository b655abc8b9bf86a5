import Foundation
import LLMKit
import LLMKitCore

/// The model `llmkit chat` uses without `--model`, and the hint shown when the local server is down.
enum DefaultModel {
    /// The provider used when no key is set.
    static let localProvider = "local"
    /// The model used when no key is set (served by `scripts/local-model`).
    static let localModel = "local/smollm2"
    /// The hosted defaults, in order of preference.
    static let hosted: [(provider: String, model: String)] = [
        ("openai", "gpt-4o-mini"),
        ("anthropic", "claude-haiku-4-5"),
        ("gemini", "gemini-2.5-flash"),
        ("deepseek", "deepseek-chat"),
    ]

    /// The first hosted default whose key is set in `environment`, else `local/smollm2`.
    static func choose(environment: [String: String]) -> String {
        for (provider, model) in hosted {
            guard let info = ProviderInfo.named(provider) else { continue }
            if info.keyVariables.contains(where: { isSet(environment[$0]) }) { return "\(provider)/\(model)" }
        }
        return localModel
    }

    /// Adds how to start the local server to a connection failure.
    static func addLocalHint(to error: LLMError, defaulted: Bool) -> LLMError {
        guard error.kind == .network || (error.kind == .timeout && error.timeoutPhase == .connect) else { return error }
        var e = error
        e.message +=
            " Start the local model with `scripts/local-model start` (or point LOCAL_BASE_URL at a running OpenAI-compatible server)."
        if defaulted {
            let variables = hosted.compactMap { ProviderInfo.named($0.provider) }
                .map { $0.keyVariables.joined(separator: "/") }.joined(separator: ", ")
            e.message += " No --model was given and none of \(variables) is set, so llmkit used \(localModel)."
        }
        return e
    }

    private static func isSet(_ value: String?) -> Bool {
        guard let value else { return false }
        return !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }
}
