import LLMKitCore

/// How a provider's Chat Completions differs from OpenAI's. Plain data: a provider
/// table row, or one line of user code for a provider LLMKit does not list.
public struct CompatibleQuirks: Sendable, Hashable {
    /// Members of a message or delta that carry reasoning text, in order of preference.
    public var reasoningFields: [String]
    /// Reasoning arrives inside the content, between `<think>` and `</think>`.
    public var thinkTags: Bool
    /// How a `ReasoningConfig` is sent.
    public var reasoningControl: ReasoningControl
    /// Earlier reasoning goes back on assistant messages under this member (DeepSeek: `reasoning_content`).
    public var reasoningBackField: String?
    /// Earlier reasoning goes back as OpenRouter `reasoning_details` (text with signature, or encrypted data).
    public var reasoningDetailsBack: Bool
    /// `max_tokens` (most) or `max_completion_tokens`.
    public var maxTokensField: String
    /// Request members the provider documents as unsupported: dropped with a warning.
    public var unsupportedParameters: [String]
    /// Whether streams ask for usage with `stream_options.include_usage`.
    public var streamUsageOption: Bool
    /// Top-level response members that hold sources (`citations`, `search_results`).
    public var citationFields: [String]
    /// Path of the chat endpoint under the base URL.
    public var path: String
    /// `content` may be an array of `thinking` and `text` chunks (Mistral).
    public var contentChunks: Bool
    /// The `reasoning_effort` value that turns reasoning off, where there is one (`none`).
    public var offEffort: String?

    public init(
        reasoningFields: [String] = ["reasoning_content", "reasoning"], thinkTags: Bool = false,
        reasoningControl: ReasoningControl = .effort, reasoningBackField: String? = nil,
        reasoningDetailsBack: Bool = false,
        maxTokensField: String = "max_tokens", unsupportedParameters: [String] = [], streamUsageOption: Bool = true,
        citationFields: [String] = [], path: String = "/chat/completions", contentChunks: Bool = false,
        offEffort: String? = nil
    ) {
        self.contentChunks = contentChunks
        self.offEffort = offEffort
        self.reasoningFields = reasoningFields
        self.thinkTags = thinkTags
        self.reasoningControl = reasoningControl
        self.reasoningBackField = reasoningBackField
        self.reasoningDetailsBack = reasoningDetailsBack
        self.maxTokensField = maxTokensField
        self.unsupportedParameters = unsupportedParameters
        self.streamUsageOption = streamUsageOption
        self.citationFields = citationFields
        self.path = path
    }

    /// OpenAI itself.
    package static let openAI = CompatibleQuirks(maxTokensField: "max_completion_tokens")
}

/// How a provider takes a reasoning setting.
public enum ReasoningControl: Sendable, Hashable {
    /// `reasoning_effort: "low" | "medium" | "high"` (OpenAI, xAI, Groq, Mistral, ...).
    case effort
    /// `thinking: {"type": "enabled" | "disabled"}` plus `reasoning_effort` (DeepSeek).
    case deepSeekThinking
    /// `thinking: {"type": "enabled" | "disabled"}` only (Zhipu GLM).
    case thinkingType
    /// `enable_thinking: Bool` plus `thinking_budget` (Qwen on DashScope).
    case enableThinking
    /// `reasoning: {"effort": ...}` / `{"max_tokens": N}` / `{"enabled": false}` (OpenRouter).
    case openRouter
    /// Not controllable: the setting is dropped with a warning.
    case none
}
