import LLMKit
import LLMKitCore
import Testing

/// `ProviderInfo.features` must say what the calls do: for every built-in provider and feature, the call is
/// made against a closed local port. A listed feature must get past LLMKit's own checks (and fail on the
/// network); an unlisted one must be refused with `.unsupported` before any request.
@Suite("Provider features match the calls")
struct ProviderFeatureTests {
    static let closed = "http://127.0.0.1:1"

    static func kit() -> LLMKit {
        var providers: [String: ProviderSettings] = [:]
        for info in ProviderInfo.builtIn { providers[info.id] = ProviderSettings(apiKey: "k", baseURL: closed) }
        return LLMKit(
            providers: providers,
            environment: [
                "GOOGLE_CLOUD_PROJECT": "p", "GOOGLE_CLOUD_LOCATION": "us-central1", "VERTEX_ACCESS_TOKEN": "t",
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
                "AZURE_OPENAI_ENDPOINT": closed,
            ], retry: .none)
    }

    /// A model id the provider's own routing accepts for `feature` (some route by model name).
    static func model(_ info: ProviderInfo, _ feature: ProviderFeature) -> String {
        switch (info.wire, feature) {
        case (.gemini, .images), (.vertex, .images): "imagen-4.0-generate-001"
        case (.gemini, .video), (.vertex, .video): "veo-3.1-generate-preview"
        case (.gemini, .realtime): "gemini-2.5-flash-native-audio-preview-09-2025"
        case (.stability, _): "stable-image-core"
        case (.bedrock, .embeddings): "amazon.titan-embed-text-v2:0"
        case (.fal, _): "fal-ai/flux"
        case (.runware, _): "runware:101@1"
        case (.gemini, .speech), (.vertex, .speech): "gemini-2.5-flash-preview-tts"
        default: "m"
        }
    }

    /// Calls `feature` on `info`; nil when the call got past LLMKit's checks.
    static func refusal(_ llm: LLMKit, _ info: ProviderInfo, _ feature: ProviderFeature) async -> LLMError? {
        let m = "\(info.id)/\(model(info, feature))"
        let speechFormat: AudioFormat =
            info.wire == .gemini || info.wire == .vertex ? .pcm16(sampleRate: 24000) : .mp3()
        do {
            switch feature {
            case .chat, .countTokens: return nil
            case .embeddings: _ = try await llm.embed(EmbeddingRequest(model: m, inputs: ["x"]))
            case .rerank: _ = try await llm.rerank(RerankRequest(model: m, query: "q", documents: ["d"]))
            case .documentSearch:
                _ = try await llm.searchDocuments(DocumentSearchRequest(provider: info.id, query: "q"))
            case .transcription:
                _ = try await llm.transcribe(TranscriptionRequest(model: m, audio: .data([1], mimeType: "audio/wav")))
            case .translation:
                _ = try await llm.translate(TranscriptionRequest(model: m, audio: .data([1], mimeType: "audio/wav")))
            case .liveTranscription:
                let s = try await llm.liveTranscription(LiveTranscriptionOptions(model: m))
                await s.close()
            case .speech: _ = try await llm.speak(SpeechRequest(model: m, text: "hi", voice: "v", format: speechFormat))
            case .speechInput:
                let s = try await llm.speechInput(SpeechInputOptions(model: m, voice: "v"))
                await s.close()
            case .realtime:
                let s = try await llm.realtime(RealtimeConfig(model: m))
                await s.close()
            case .images: _ = try await llm.generateImage(ImageRequest(model: m, prompt: "p"))
            case .video: _ = try await llm.generateVideo(VideoRequest(model: m, prompt: "p"))
            case .jobs: _ = try await llm.submit(GenerationRequest(model: m, input: ["prompt": "p"]))
            }
            return nil
        } catch {
            return error.kind == .unsupported ? error : nil
        }
    }

    @Test("every listed feature reaches the network; every unlisted one is refused as unsupported")
    func featuresMatchCalls() async {
        let llm = Self.kit()
        for info in ProviderInfo.builtIn {
            for feature in ProviderFeature.allCases where feature != .chat && feature != .countTokens {
                let refused = await Self.refusal(llm, info, feature)
                if info.features.contains(feature) {
                    #expect(refused == nil, "\(info.id) lists \(feature) but: \(refused?.message ?? "")")
                } else if case .openAICompatible = info.wire, feature == .transcription || feature == .translation {
                    continue  // sent to any compatible server (it answers 404 without the route)
                } else {
                    #expect(refused != nil, "\(info.id) does not list \(feature), yet the call was not refused")
                }
            }
        }
    }
}
