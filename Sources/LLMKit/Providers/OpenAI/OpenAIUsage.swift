@_spi(LLMKitInternal) import LLMKitCore

/// Reading OpenAI-shaped usage objects (Chat Completions and Responses, and
/// compatible providers' variants).
enum OpenAIUsage {
    /// `{"prompt_tokens", "completion_tokens", "prompt_tokens_details": {"cached_tokens"},
    /// "completion_tokens_details": {"reasoning_tokens"}}`, DeepSeek's `prompt_cache_hit_tokens`,
    /// and the Responses names (`input_tokens`, `output_tokens`, `*_details`).
    static func read(_ t: JSONTape, _ u: Int) -> Usage? {
        guard t.kind(u) == .object else { return nil }
        var usage = Usage()
        usage.inputTokens = (t.member(u, "prompt_tokens") ?? t.member(u, "input_tokens")).flatMap(t.int) ?? 0
        usage.outputTokens = (t.member(u, "completion_tokens") ?? t.member(u, "output_tokens")).flatMap(t.int) ?? 0
        let details = t.member(u, "prompt_tokens_details") ?? t.member(u, "input_tokens_details")
        if let d = details, let c = t.member(d, "cached_tokens") {
            usage.cacheReadTokens = t.int(c)
        } else if let c =
            t.member(u, "prompt_cache_hit_tokens") ?? t.member(u, "cached_tokens") ?? t.member(u, "num_cached_tokens")
        {
            // DeepSeek; Together; Mistral (before prompt_tokens_details).
            usage.cacheReadTokens = t.int(c)
        }
        if let d = details, let w = t.member(d, "cache_write_tokens") {
            usage.cacheWriteTokens = t.int(w)  // OpenRouter
        }
        if let d = t.member(u, "completion_tokens_details") ?? t.member(u, "output_tokens_details"),
            let r = t.member(d, "reasoning_tokens")
        {
            usage.reasoningTokens = t.int(r)
        }
        // xAI counts reasoning outside completion_tokens (total = prompt + completion + reasoning);
        // LLMKit's outputTokens always includes reasoning.
        if let r = usage.reasoningTokens, r > 0, let total = t.member(u, "total_tokens").flatMap(t.int),
            total == usage.inputTokens + usage.outputTokens + r
        {
            usage.outputTokens += r
        }
        return usage
    }
}
