/// The OpenAI-compatible providers LLMKit lists, as data. Each row was checked on 2026-11-25
/// against the page in its `docs`; docs/providers/openai-compatible.md quotes the sentences
/// behind every quirk and lists what could not be verified.
enum CompatibleProviders {
    /// A hosted provider with a required key `<ID>_API_KEY` and base URL variable `<ID>_BASE_URL`.
    private static func hosted(
        _ id: String, _ name: String, _ base: String, key: String? = nil, docs: String, hint: String? = nil,
        _ quirks: CompatibleQuirks, regions: [String: String] = [:], regionVariable: String? = nil
    ) -> ProviderInfo {
        let prefix = id.uppercased()
        let key = key ?? prefix + "_API_KEY"
        return ProviderInfo(
            id: id, displayName: name, defaultBaseURL: base, keyVariables: [key], baseURLVariable: prefix + "_BASE_URL",
            requiresKey: true, setupHint: hint ?? "get a key at \(docs)", wire: .openAICompatible(quirks), docs: docs,
            regions: regions, regionVariable: regionVariable)
    }

    /// A server the user runs: no key needed, a default local address.
    private static func selfHosted(
        _ id: String, _ name: String, _ base: String, docs: String, hint: String, _ quirks: CompatibleQuirks
    ) -> ProviderInfo {
        let prefix = id.uppercased()
        return ProviderInfo(
            id: id, displayName: name, defaultBaseURL: base, keyVariables: [prefix + "_API_KEY"],
            baseURLVariable: prefix + "_BASE_URL", requiresKey: false, setupHint: hint,
            wire: .openAICompatible(quirks), auth: .optionalBearer, docs: docs)
    }

    static let table: [ProviderInfo] = [
        hosted(
            "deepseek", "DeepSeek", "https://api.deepseek.com", docs: "https://api-docs.deepseek.com/",
            hint: "create a key at https://platform.deepseek.com/api_keys",
            CompatibleQuirks(
                reasoningFields: ["reasoning_content"], reasoningControl: .deepSeekThinking,
                reasoningBackField: "reasoning_content")),
        hosted(
            "mistral", "Mistral AI", "https://api.mistral.ai/v1", docs: "https://docs.mistral.ai/api/",
            hint: "create a key at https://console.mistral.ai/api-keys; MISTRAL_REGION=eu keeps inference in the EU",
            CompatibleQuirks(contentChunks: true, offEffort: "none"),
            regions: ["eu": "https://api.eu.mistral.ai/v1"], regionVariable: "MISTRAL_REGION"),
        hosted(
            "xai", "xAI (Grok)", "https://api.x.ai/v1", docs: "https://docs.x.ai/docs/guides/reasoning",
            // "presencePenalty, frequencyPenalty and stop parameters are not supported by reasoning models."
            CompatibleQuirks(
                reasoningFields: ["reasoning_content"],
                unsupportedParameters: ["presence_penalty", "frequency_penalty", "stop"])),
        hosted(
            "groq", "Groq", "https://api.groq.com/openai/v1", docs: "https://console.groq.com/docs/openai",
            // 400 for logprobs, logit_bias, top_logprobs, messages[].name; reasoning_format raw puts <think> in content.
            CompatibleQuirks(
                reasoningFields: ["reasoning"], thinkTags: true,
                unsupportedParameters: ["logprobs", "logit_bias", "top_logprobs"])),
        hosted(
            "openrouter", "OpenRouter", "https://openrouter.ai/api/v1",
            docs: "https://openrouter.ai/docs/use-cases/reasoning-tokens",
            // Usage is always in the last chunk; stream_options "has no effect".
            CompatibleQuirks(
                reasoningFields: ["reasoning"], reasoningControl: .openRouter, reasoningDetailsBack: true,
                streamUsageOption: false)),
        hosted(
            "together", "Together AI", "https://api.together.ai/v1",
            docs: "https://docs.together.ai/docs/inference/openai-compatibility",
            CompatibleQuirks(reasoningFields: ["reasoning"], thinkTags: true)),
        hosted(
            "fireworks", "Fireworks AI", "https://api.fireworks.ai/inference/v1",
            docs: "https://docs.fireworks.ai/tools-sdks/openai-compatibility",
            CompatibleQuirks(reasoningFields: ["reasoning_content"], thinkTags: true)),
        hosted(
            "cerebras", "Cerebras", "https://api.cerebras.ai/v1",
            docs: "https://inference-docs.cerebras.ai/resources/openai",
            CompatibleQuirks(reasoningFields: ["reasoning"], thinkTags: true)),
        hosted(
            "perplexity", "Perplexity (Sonar)", "https://api.perplexity.ai",
            docs: "https://docs.perplexity.ai/api-reference/chat-completions-post",
            CompatibleQuirks(thinkTags: true, reasoningControl: .none, citationFields: ["search_results", "citations"])),
        hosted(
            "deepinfra", "DeepInfra", "https://api.deepinfra.com/v1/openai", key: "DEEPINFRA_API_KEY",
            docs: "https://deepinfra.com/docs/advanced/openai_api", CompatibleQuirks(offEffort: "none")),
        hosted(
            "nebius", "Nebius Token Factory", "https://api.tokenfactory.nebius.com/v1",
            docs: "https://docs.tokenfactory.nebius.com/api-reference/introduction",
            CompatibleQuirks(reasoningControl: .none)),
        hosted(
            "sambanova", "SambaNova Cloud", "https://api.sambanova.ai/v1",
            docs: "https://docs.sambanova.ai/cloud/docs/resources/glossary", CompatibleQuirks(thinkTags: true)),
        hosted(
            "moonshot", "Moonshot AI (Kimi)", "https://api.moonshot.ai/v1",
            docs: "https://platform.moonshot.ai/docs/guide/use-kimi-k2-thinking-model",
            CompatibleQuirks(
                reasoningFields: ["reasoning_content"], reasoningControl: .thinkingType,
                reasoningBackField: "reasoning_content")),
        hosted(
            "dashscope", "Alibaba Cloud Model Studio (Qwen)", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            docs: "https://www.alibabacloud.com/help/en/model-studio/compatibility-of-openai-with-dashscope",
            CompatibleQuirks(reasoningFields: ["reasoning_content"], reasoningControl: .enableThinking),
            regions: [
                "intl": "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                "us": "https://dashscope-us.aliyuncs.com/compatible-mode/v1",
                "cn": "https://dashscope.aliyuncs.com/compatible-mode/v1",
            ], regionVariable: "DASHSCOPE_REGION"),
        hosted(
            "zai", "Z.ai (GLM)", "https://api.z.ai/api/paas/v4",
            docs: "https://docs.z.ai/guides/capabilities/thinking-mode",
            CompatibleQuirks(
                reasoningFields: ["reasoning_content"], reasoningControl: .thinkingType,
                reasoningBackField: "reasoning_content"),
            regions: ["cn": "https://open.bigmodel.cn/api/paas/v4"], regionVariable: "ZAI_REGION"),
        hosted(
            "maritaca", "Maritaca AI (Sabiá)", "https://chat.maritaca.ai/api",
            docs: "https://docs.maritaca.ai/api/pt/completion",
            // Thinking is chosen by model (sabia-4-thinking); no request parameter is documented.
            CompatibleQuirks(reasoningControl: .none)),
        hosted(
            "lighton", "LightOn Paradigm", "https://paradigm.lighton.ai/api/v2", key: "PARADIGM_API_KEY",
            docs: "https://docs.lighton.ai/en/developer-resources/api-fundamentals/openai-compatibility",
            hint: "set PARADIGM_API_KEY, and PARADIGM_BASE_URL to your instance's /api/v2 (default: LightOn's SaaS)",
            CompatibleQuirks(reasoningControl: .none)
        ).withBaseURLVariable("PARADIGM_BASE_URL"),
        hosted(
            "voyage", "Voyage AI (embeddings)", "https://api.voyageai.com/v1",
            docs: "https://docs.voyageai.com/reference/embeddings-api", CompatibleQuirks()
        ).embeddingsOnly(),
        hosted(
            "jina", "Jina AI (embeddings)", "https://api.jina.ai/v1", docs: "https://jina.ai/embeddings/",
            CompatibleQuirks()
        ).embeddingsOnly(),
        selfHosted(
            "local", "Local OpenAI-compatible server (llama.cpp, Ollama, vLLM, LM Studio)", "http://127.0.0.1:8080/v1",
            docs: "https://github.com/ggml-org/llama.cpp/tree/master/tools/server",
            hint:
                "start one with `scripts/local-model start`, or point LOCAL_BASE_URL at Ollama (http://127.0.0.1:11434/v1)",
            CompatibleQuirks(thinkTags: true, reasoningControl: .none)),
        selfHosted(
            "ollama", "Ollama", "http://127.0.0.1:11434/v1", docs: "https://docs.ollama.com/api/openai-compatibility",
            hint:
                "start Ollama (`ollama serve`); for Ollama's cloud set OLLAMA_BASE_URL=https://ollama.com/v1 and OLLAMA_API_KEY",
            CompatibleQuirks(reasoningFields: ["reasoning"], thinkTags: true, offEffort: "none")),
        selfHosted(
            "lmstudio", "LM Studio", "http://127.0.0.1:1234/v1", docs: "https://lmstudio.ai/docs/api/openai-api",
            hint: "start LM Studio's server (Developer tab, or `lms server start`)",
            CompatibleQuirks(reasoningFields: ["reasoning", "reasoning_content"], thinkTags: true)),
        selfHosted(
            "vllm", "vLLM", "http://127.0.0.1:8000/v1",
            docs: "https://docs.vllm.ai/en/stable/features/reasoning_outputs/",
            hint: "start `vllm serve MODEL` (add --reasoning-parser for reasoning models)",
            // Reasoning is parsed server-side with --reasoning-parser (`reasoning`, which replaced
            // `reasoning_content`; some versions send both with the same text: the first one is read);
            // without a parser, thinking models write <think>...</think> into `content` (recorded, vllm/think-tags).
            CompatibleQuirks(
                reasoningFields: ["reasoning", "reasoning_content"], thinkTags: true, reasoningControl: .none)),
        selfHosted(
            "latamgpt", "LatamGPT (self-hosted)", "http://127.0.0.1:8000/v1", docs: "https://huggingface.co/latam-gpt",
            hint:
                "LatamGPT has no hosted API: serve latam-gpt/Llama-3.1-70B-LatamGPT-SFT-1.0 with vLLM and set LATAMGPT_BASE_URL (see docs/providers/self-hosted.md)",
            CompatibleQuirks(reasoningControl: .none)),
        selfHosted(
            "chatlaw", "ChatLaw (self-hosted)", "http://127.0.0.1:8000/v1",
            docs: "https://github.com/PKU-YuanGroup/ChatLaw",
            hint:
                "ChatLaw has no hosted API: serve its weights with an OpenAI-compatible server and set CHATLAW_BASE_URL (see docs/domain/legal-finance.md)",
            CompatibleQuirks(reasoningControl: .none)),
    ]
}

extension ProviderInfo {
    fileprivate func embeddingsOnly() -> ProviderInfo {
        var p = self
        p.offersChat = false
        return p
    }

    fileprivate func withBaseURLVariable(_ name: String) -> ProviderInfo {
        var p = self
        p.baseURLVariable = name
        return p
    }
}
