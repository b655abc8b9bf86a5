import LLMKitCore

/// A provider LLMKit knows: where it lives and which environment variables configure it.
public struct ProviderInfo: Sendable, Hashable {
    /// The prefix of model ids: `openai` in `openai/gpt-4o-mini`.
    public var id: String
    public var displayName: String
    public var defaultBaseURL: String
    /// Variables read for the API key, in order.
    public var keyVariables: [String]
    /// Variable read for the base URL.
    public var baseURLVariable: String
    /// Whether a call without a key is an error.
    public var requiresKey: Bool
    /// Where to get a key or set the provider up.
    public var setupHint: String

    /// Every built-in chat provider.
    public static let builtIn: [ProviderInfo] = [
        ProviderInfo(
            id: "openai", displayName: "OpenAI", defaultBaseURL: "https://api.openai.com/v1",
            keyVariables: ["OPENAI_API_KEY"], baseURLVariable: "OPENAI_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://platform.openai.com/api-keys"),
        ProviderInfo(
            id: "anthropic", displayName: "Anthropic", defaultBaseURL: "https://api.anthropic.com",
            keyVariables: ["ANTHROPIC_API_KEY"], baseURLVariable: "ANTHROPIC_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://console.anthropic.com/settings/keys"),
        ProviderInfo(
            id: "gemini", displayName: "Google Gemini API", defaultBaseURL: "https://generativelanguage.googleapis.com",
            keyVariables: ["GEMINI_API_KEY", "GOOGLE_API_KEY"], baseURLVariable: "GEMINI_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://aistudio.google.com/apikey"),
        ProviderInfo(
            id: "vertex", displayName: "Google Vertex AI (Gemini)",
            defaultBaseURL: "https://{location}-aiplatform.googleapis.com",
            keyVariables: ["VERTEX_ACCESS_TOKEN"], baseURLVariable: "VERTEX_BASE_URL", requiresKey: true,
            setupHint:
                "set GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION, and VERTEX_ACCESS_TOKEN (e.g. `gcloud auth print-access-token`) or GOOGLE_APPLICATION_CREDENTIALS (a service-account JSON file)"
        ),
        ProviderInfo(
            id: "deepseek", displayName: "DeepSeek", defaultBaseURL: "https://api.deepseek.com",
            keyVariables: ["DEEPSEEK_API_KEY"], baseURLVariable: "DEEPSEEK_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://platform.deepseek.com/api_keys"),
        ProviderInfo(
            id: "local", displayName: "Local OpenAI-compatible server (llama.cpp, Ollama, vLLM, LM Studio)",
            defaultBaseURL: "http://127.0.0.1:8080/v1", keyVariables: ["LOCAL_API_KEY"],
            baseURLVariable: "LOCAL_BASE_URL", requiresKey: false,
            setupHint:
                "start one with `scripts/local-model start`, or point LOCAL_BASE_URL at Ollama (http://127.0.0.1:11434/v1)"
        ),
    ]

    public static func named(_ id: String) -> ProviderInfo? { builtIn.first { $0.id == id } }
}

/// Settings for one provider given in code; anything nil comes from the environment.
public struct ProviderSettings: Sendable {
    public var apiKey: String?
    public var baseURL: String?
    /// Extra headers sent with every request to this provider.
    public var headers: [(String, String)]

    public init(apiKey: String? = nil, baseURL: String? = nil, headers: [(String, String)] = []) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.headers = headers
    }
}
