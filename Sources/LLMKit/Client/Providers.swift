import LLMKitCore

/// A provider LLMKit knows: where it lives, which environment variables configure it,
/// and which wire protocol it speaks.
///
/// Add your own OpenAI-compatible provider in one line:
/// ```swift
/// let llm = LLMKit(additionalProviders: [.openAICompatible(id: "acme", baseURL: "https://api.acme.ai/v1", keyVariable: "ACME_API_KEY")])
/// ```
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
    /// The wire protocol.
    public var wire: Wire
    /// How the key is sent.
    public var auth: AuthStyle
    /// The documentation page the base URL and quirks were checked against.
    public var docs: String?
    /// Named alternative base URLs (data residency), chosen with `regionVariable` or `ProviderSettings.region`.
    public var regions: [String: String]
    /// Variable read for the region (`MISTRAL_REGION=eu`).
    public var regionVariable: String?
    /// False for embeddings-only providers (Voyage, Jina): chat calls are refused.
    public var offersChat = true

    /// The wire protocols LLMKit speaks.
    public enum Wire: Sendable, Hashable {
        /// OpenAI itself: Chat Completions and Responses.
        case openAI
        case anthropic
        /// Gemini API (`generativelanguage.googleapis.com`).
        case gemini
        /// Gemini on Vertex AI.
        case vertex
        /// Chat Completions as spoken by another provider, with its differences.
        case openAICompatible(CompatibleQuirks)
        /// Azure OpenAI: OpenAI's wire under `/openai/v1`, or per deployment with an `api-version`.
        case azure
        /// Cohere v2 Chat (`/v2/chat`).
        case cohere
        /// Claude on Vertex AI (`rawPredict` / `streamRawPredict`).
        case vertexAnthropic
        /// A model deployed to a Vertex AI endpoint (Model Garden, e.g. MedGemma), through the
        /// endpoint's OpenAI-compatible chat route; the model id is the endpoint id.
        case vertexEndpoint
        /// Replicate predictions (jobs: create, poll, cancel).
        case replicate
        /// fal.ai queue (`queue.fal.run`): submit, poll the status, fetch the result, cancel.
        case fal
        /// Runware task array (`api.runware.ai/v1`): async tasks polled with `getResponse`.
        case runware
        /// Luma Dream Machine generations (`/dream-machine/v1/generations`): create, poll, delete.
        case luma
        /// Deepgram speech to text.
        case deepgram
        /// ElevenLabs text to speech (HTTP, and the stream-input WebSocket).
        case elevenlabs
        /// AssemblyAI speech to text: an async transcript job (`/v2/transcript`), polled until done.
        case assemblyAI
        /// Stability AI image generation (`/v2beta/stable-image/...`, multipart).
        case stability
        /// Amazon Bedrock Converse, signed with SigV4 (or a Bedrock API key).
        case bedrock
    }

    /// How the API key travels.
    public enum AuthStyle: Sendable, Hashable {
        /// `Authorization: Bearer KEY`.
        case bearer
        /// A named header carrying the key (`x-api-key`).
        case header(String)
        /// Bearer when a key is set, nothing otherwise (local servers).
        case optionalBearer
        /// `Authorization: Token KEY` (Deepgram).
        case token
    }

    public init(
        id: String, displayName: String, defaultBaseURL: String, keyVariables: [String], baseURLVariable: String,
        requiresKey: Bool, setupHint: String, wire: Wire, auth: AuthStyle = .bearer, docs: String? = nil,
        regions: [String: String] = [:], regionVariable: String? = nil, offersChat: Bool = true
    ) {
        self.offersChat = offersChat
        self.id = id
        self.displayName = displayName
        self.defaultBaseURL = defaultBaseURL
        self.keyVariables = keyVariables
        self.baseURLVariable = baseURLVariable
        self.requiresKey = requiresKey
        self.setupHint = setupHint
        self.wire = wire
        self.auth = auth
        self.docs = docs
        self.regions = regions
        self.regionVariable = regionVariable
    }

    /// A provider that speaks OpenAI Chat Completions at `baseURL` (the part before `/chat/completions`).
    /// The key is read from `keyVariable`; the base URL can be overridden with `<ID>_BASE_URL`.
    public static func openAICompatible(
        id: String, baseURL: String, keyVariable: String?, displayName: String? = nil,
        quirks: CompatibleQuirks = CompatibleQuirks()
    ) -> ProviderInfo {
        let prefix = id.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return ProviderInfo(
            id: id, displayName: displayName ?? id, defaultBaseURL: baseURL,
            keyVariables: keyVariable.map { [$0] } ?? [],
            baseURLVariable: String(prefix) + "_BASE_URL", requiresKey: keyVariable != nil,
            setupHint: keyVariable.map { "set \($0)" } ?? "set \(String(prefix))_BASE_URL",
            wire: .openAICompatible(quirks), auth: keyVariable == nil ? .optionalBearer : .bearer)
    }

    /// Every built-in chat provider: the native ones, then the OpenAI-compatible table.
    public static let builtIn: [ProviderInfo] = native + CompatibleProviders.table

    static let native: [ProviderInfo] = [
        ProviderInfo(
            id: "openai", displayName: "OpenAI", defaultBaseURL: "https://api.openai.com/v1",
            keyVariables: ["OPENAI_API_KEY"], baseURLVariable: "OPENAI_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://platform.openai.com/api-keys", wire: .openAI,
            docs: "https://platform.openai.com/docs/api-reference"),
        ProviderInfo(
            id: "anthropic", displayName: "Anthropic", defaultBaseURL: "https://api.anthropic.com",
            keyVariables: ["ANTHROPIC_API_KEY"], baseURLVariable: "ANTHROPIC_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://console.anthropic.com/settings/keys", wire: .anthropic,
            auth: .header("x-api-key"), docs: "https://docs.anthropic.com/en/api/messages"),
        ProviderInfo(
            id: "gemini", displayName: "Google Gemini API", defaultBaseURL: "https://generativelanguage.googleapis.com",
            keyVariables: ["GEMINI_API_KEY", "GOOGLE_API_KEY"], baseURLVariable: "GEMINI_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://aistudio.google.com/apikey", wire: .gemini,
            auth: .header("x-goog-api-key"), docs: "https://ai.google.dev/api"),
        ProviderInfo(
            id: "vertex", displayName: "Google Vertex AI (Gemini)",
            defaultBaseURL: "https://{location}-aiplatform.googleapis.com",
            keyVariables: ["VERTEX_ACCESS_TOKEN"], baseURLVariable: "VERTEX_BASE_URL", requiresKey: true,
            setupHint:
                "set GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION, and VERTEX_ACCESS_TOKEN (e.g. `gcloud auth print-access-token`) or GOOGLE_APPLICATION_CREDENTIALS (a service-account JSON file)",
            wire: .vertex, docs: "https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest"),
        ProviderInfo(
            id: "vertex-anthropic", displayName: "Google Vertex AI (Anthropic Claude)",
            defaultBaseURL: "https://{location}-aiplatform.googleapis.com",
            keyVariables: ["VERTEX_ACCESS_TOKEN"], baseURLVariable: "VERTEX_BASE_URL", requiresKey: true,
            setupHint:
                "as for vertex: GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION (a region that serves Claude, e.g. us-east5) and VERTEX_ACCESS_TOKEN or GOOGLE_APPLICATION_CREDENTIALS; model ids look like claude-sonnet-4-5@20250929",
            wire: .vertexAnthropic,
            docs: "https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude"),
        ProviderInfo(
            id: "vertex-endpoint", displayName: "Google Vertex AI endpoint (Model Garden: MedGemma, Llama, ...)",
            defaultBaseURL: "https://{location}-aiplatform.googleapis.com",
            keyVariables: ["VERTEX_ACCESS_TOKEN"], baseURLVariable: "VERTEX_ENDPOINT_BASE_URL", requiresKey: true,
            setupHint:
                "as for vertex (GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION, VERTEX_ACCESS_TOKEN or GOOGLE_APPLICATION_CREDENTIALS); the model is the endpoint id; for a dedicated endpoint set VERTEX_ENDPOINT_BASE_URL=https://<dedicatedEndpointDns>",
            wire: .vertexEndpoint,
            docs: "https://cloud.google.com/vertex-ai/generative-ai/docs/model-garden/use-models"),
        ProviderInfo(
            id: "replicate", displayName: "Replicate (image and video models, as jobs)",
            defaultBaseURL: "https://api.replicate.com", keyVariables: ["REPLICATE_API_TOKEN"],
            baseURLVariable: "REPLICATE_BASE_URL", requiresKey: true,
            setupHint: "create a token at https://replicate.com/account/api-tokens", wire: .replicate,
            docs: "https://replicate.com/docs/reference/http", offersChat: false),
        // fal.ai sends its key as `Authorization: Key <key>`; the header is set to the raw key here and
        // FalJobs adds the `Key ` scheme.
        ProviderInfo(
            id: "fal", displayName: "fal.ai (image and video models, as jobs)", defaultBaseURL: "https://queue.fal.run",
            keyVariables: ["FAL_KEY"], baseURLVariable: "FAL_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://fal.ai/dashboard/keys", wire: .fal, auth: .header("authorization"),
            docs: "https://docs.fal.ai/model-apis/model-endpoints/queue", offersChat: false),
        ProviderInfo(
            id: "runware", displayName: "Runware (image and video models, as jobs)",
            defaultBaseURL: "https://api.runware.ai", keyVariables: ["RUNWARE_API_KEY"],
            baseURLVariable: "RUNWARE_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://my.runware.ai/keys", wire: .runware,
            docs: "https://runware.ai/docs/en/utilities/task-responses", offersChat: false),
        ProviderInfo(
            id: "luma", displayName: "Luma Dream Machine (video and image, as jobs)",
            defaultBaseURL: "https://api.lumalabs.ai/dream-machine/v1", keyVariables: ["LUMAAI_API_KEY"],
            baseURLVariable: "LUMAAI_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://lumalabs.ai/dream-machine/api/keys", wire: .luma,
            docs: "https://docs.lumalabs.ai/docs/api", offersChat: false),
        ProviderInfo(
            id: "deepgram", displayName: "Deepgram (speech to text, Aura text to speech)",
            defaultBaseURL: "https://api.deepgram.com",
            keyVariables: ["DEEPGRAM_API_KEY"], baseURLVariable: "DEEPGRAM_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://console.deepgram.com", wire: .deepgram, auth: .token,
            docs: "https://developers.deepgram.com/reference/speech-to-text-api/listen", offersChat: false),
        ProviderInfo(
            id: "elevenlabs", displayName: "ElevenLabs (text to speech, Scribe speech to text)",
            defaultBaseURL: "https://api.elevenlabs.io",
            keyVariables: ["ELEVENLABS_API_KEY"], baseURLVariable: "ELEVENLABS_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://elevenlabs.io/app/settings/api-keys", wire: .elevenlabs,
            auth: .header("xi-api-key"), docs: "https://elevenlabs.io/docs/api-reference/text-to-speech/convert",
            offersChat: false),
        // AssemblyAI takes the raw key in `Authorization` (no scheme).
        ProviderInfo(
            id: "assemblyai", displayName: "AssemblyAI (speech to text, as jobs)",
            defaultBaseURL: "https://api.assemblyai.com", keyVariables: ["ASSEMBLYAI_API_KEY"],
            baseURLVariable: "ASSEMBLYAI_BASE_URL", requiresKey: true,
            setupHint:
                "create a key at https://www.assemblyai.com/dashboard/api-keys; for EU data residency set ASSEMBLYAI_BASE_URL=https://api.eu.assemblyai.com",
            wire: .assemblyAI, auth: .header("authorization"),
            docs: "https://www.assemblyai.com/docs/api-reference/transcripts/submit", offersChat: false),
        ProviderInfo(
            id: "stability", displayName: "Stability AI (image generation)", defaultBaseURL: "https://api.stability.ai",
            keyVariables: ["STABILITY_API_KEY"], baseURLVariable: "STABILITY_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://platform.stability.ai/account/keys", wire: .stability,
            docs: "https://platform.stability.ai/docs/api-reference", offersChat: false),
        ProviderInfo(
            id: "azure", displayName: "Azure OpenAI", defaultBaseURL: "",
            keyVariables: ["AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN"], baseURLVariable: "AZURE_OPENAI_ENDPOINT",
            requiresKey: true,
            setupHint:
                "set AZURE_OPENAI_ENDPOINT (https://RESOURCE.openai.azure.com) and AZURE_OPENAI_API_KEY, or AZURE_OPENAI_AD_TOKEN for Entra ID; the model is your deployment name; AZURE_OPENAI_API_VERSION selects the per-deployment API instead of /openai/v1",
            wire: .azure, auth: .header("api-key"),
            docs: "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/api-version-lifecycle"),
        ProviderInfo(
            id: "bedrock", displayName: "Amazon Bedrock (Converse)",
            defaultBaseURL: "https://bedrock-runtime.{region}.amazonaws.com",
            keyVariables: ["AWS_BEARER_TOKEN_BEDROCK"], baseURLVariable: "BEDROCK_BASE_URL", requiresKey: false,
            setupHint:
                "set AWS_REGION and AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with ~/.aws/credentials), or a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK",
            wire: .bedrock, docs: "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html"),
        ProviderInfo(
            id: "cohere", displayName: "Cohere", defaultBaseURL: "https://api.cohere.com",
            keyVariables: ["COHERE_API_KEY"], baseURLVariable: "COHERE_BASE_URL", requiresKey: true,
            setupHint: "create a key at https://dashboard.cohere.com/api-keys", wire: .cohere,
            docs: "https://docs.cohere.com/reference/chat"),
    ]

    /// The built-in provider named `id`.
    public static func named(_ id: String) -> ProviderInfo? { builtIn.first { $0.id == id } }
}

/// Settings for one provider given in code; anything nil comes from the environment.
public struct ProviderSettings: Sendable {
    public var apiKey: String?
    public var baseURL: String?
    /// A named region of the provider (`eu` for Mistral); ignored when `baseURL` is set.
    public var region: String?
    /// Extra headers sent with every request to this provider.
    public var headers: [(String, String)]

    public init(apiKey: String? = nil, baseURL: String? = nil, region: String? = nil, headers: [(String, String)] = [])
    {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.region = region
        self.headers = headers
    }
}
