import LLMKitCore

/// What LLMKit can do with a provider, for listings and for choosing a provider before a call.
public enum ProviderFeature: String, Sendable, Hashable, CaseIterable, Codable {
    case chat
    case embeddings
    case rerank
    /// `searchDocuments` (passages from documents stored at the provider).
    case documentSearch
    case countTokens
    /// `transcribe` (recorded files).
    case transcription
    /// `translate` (speech to English text).
    case translation
    /// `liveTranscription` (streamed audio over a WebSocket).
    case liveTranscription
    /// `speak` / `speakStream`.
    case speech
    /// `speechInput` (text streamed in over a WebSocket, audio out).
    case speechInput
    /// `realtime` voice sessions.
    case realtime
    /// `generateImage`.
    case images
    /// `generateVideo`.
    case video
    /// `submit` / `job(id:)` (provider-side jobs with the model's own input).
    case jobs
}

extension ProviderInfo {
    /// The features LLMKit implements and tests for this provider. OpenAI-compatible servers are listed with
    /// the routes their docs promise (Groq serves Whisper); `transcribe` is still sent to any compatible server,
    /// which answers 404 when it has no such route.
    public var features: Set<ProviderFeature> {
        var f: Set<ProviderFeature> = []
        if offersChat { f.insert(.chat) }
        if LLMKit.offersEmbeddings(self) { f.insert(.embeddings) }
        if LLMKit.offersTokenCounting(self) { f.insert(.countTokens) }
        switch wire {
        case .openAI:
            f.formUnion([.transcription, .translation, .speech, .realtime, .images])
        case .openAICompatible:
            if id == "groq" { f.formUnion([.transcription, .translation]) }
            if id == "xai" { f.insert(.realtime) }
            if id == "lighton" { f.insert(.documentSearch) }
        case .azure:
            f.insert(.images)
        case .cohere:
            f.insert(.rerank)
        case .gemini:
            f.formUnion([.speech, .realtime, .images, .video, .jobs])
        case .vertex:
            f.formUnion([.speech, .images, .video, .jobs])
        case .deepgram:
            f.formUnion([.transcription, .liveTranscription, .speech])
        case .elevenlabs:
            f.formUnion([.transcription, .speech, .speechInput])
        case .assemblyAI:
            f.insert(.transcription)
        case .stability:
            f.insert(.images)
        case .fal, .runware:
            f.formUnion([.images, .video, .jobs])
        case .replicate, .luma:
            f.formUnion([.video, .jobs])
        case .anthropic, .bedrock, .vertexAnthropic, .vertexEndpoint:
            break
        }
        return f
    }
}
