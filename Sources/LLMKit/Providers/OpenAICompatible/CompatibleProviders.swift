/// The OpenAI-compatible providers LLMKit lists, as data. Each row was checked against
/// the page in its `docs` on the date in docs/providers/openai-compatible.md.
enum CompatibleProviders {
    static let table: [ProviderInfo] = [
        ProviderInfo(
            id: "deepseek", displayName: "DeepSeek", defaultBaseURL: "https://api.deepseek.com",
            keyVariables: ["DEEPSEEK_API_KEY"], baseURLVariable: "DEEPSEEK_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://platform.deepseek.com/api_keys",
            wire: .openAICompatible(
                CompatibleQuirks(
                    reasoningFields: ["reasoning_content"], reasoningControl: .deepSeekThinking,
                    reasoningBackField: "reasoning_content")),
            docs: "https://api-docs.deepseek.com/"),
        ProviderInfo(
            id: "local", displayName: "Local OpenAI-compatible server (llama.cpp, Ollama, vLLM, LM Studio)",
            defaultBaseURL: "http://127.0.0.1:8080/v1", keyVariables: ["LOCAL_API_KEY"],
            baseURLVariable: "LOCAL_BASE_URL", requiresKey: false,
            setupHint:
                "start one with `scripts/local-model start`, or point LOCAL_BASE_URL at Ollama (http://127.0.0.1:11434/v1)",
            wire: .openAICompatible(CompatibleQuirks(thinkTags: true, reasoningControl: .none)),
            auth: .optionalBearer, docs: "https://github.com/ggml-org/llama.cpp/tree/master/tools/server"),
    ]
}
