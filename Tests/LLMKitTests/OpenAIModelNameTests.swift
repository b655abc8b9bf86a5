import LLMKit
import Testing

/// The in-place model-name checks answer exactly like `lowercased()` + `hasPrefix` / `contains`.
@Suite("OpenAI model names")
struct OpenAIModelNameTests {
    static func referencePrefers(_ model: String) -> Bool {
        let m = model.lowercased()
        return m.hasPrefix("o1") || m.hasPrefix("o3") || m.hasPrefix("o4") || m.hasPrefix("gpt-5")
            || m.contains("codex")
    }

    static func referenceReasoning(_ model: String) -> Bool {
        let m = model.lowercased()
        if m.hasPrefix("gpt-5") && m.contains("chat") { return false }
        return referencePrefers(m)
    }

    @Test(arguments: [
        "gpt-4o-mini", "o1", "O1-preview", "o3-mini", "o4-mini", "gpt-5", "GPT-5-Chat-latest", "gpt-5-chat",
        "gpt-5.1-codex", "my-CODEX-model", "codex", "cod", "o", "", "gpt-4.1", "ft:gpt-5:acme", "chatgpt-4o-latest",
        "o2", "gpt-5é", "É-codex", "ｏ1", "gpt-\u{212A}", "coDex", "gpt-5-mini", "xcodexx",
    ])
    func matchesTheStringVersion(_ model: String) {
        #expect(OpenAIModels.prefersResponses(model) == Self.referencePrefers(model))
        #expect(OpenAIModels.isReasoning(model) == Self.referenceReasoning(model))
    }
}
