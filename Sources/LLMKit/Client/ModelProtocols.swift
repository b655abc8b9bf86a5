import LLMKitCore

// One protocol per modality, so application code can take "something that transcribes" (or speaks,
// draws, films, embeds) instead of the whole client, and tests can hand it a scripted model from
// LLMKitTesting. `LLMKit` conforms to all of them and routes each call by its `provider/model` id;
// `llm.images`, `llm.video` and the other views are the same client seen through one protocol.

/// Speech to text for recordings.
public protocol TranscriptionModel: Sendable {
    /// Transcribes a recording; `progress` follows the upload of audio bytes.
    func transcribe(_ request: TranscriptionRequest, progress: (@Sendable (UploadProgress) -> Void)?)
        async throws(LLMError) -> Transcript
}

extension TranscriptionModel {
    /// Transcribes a recording.
    public func transcribe(_ request: TranscriptionRequest) async throws(LLMError) -> Transcript {
        try await transcribe(request, progress: nil)
    }
}

/// Text to speech.
public protocol SpeechModel: Sendable {
    /// Synthesizes `request.text` into one audio clip.
    func speak(_ request: SpeechRequest) async throws(LLMError) -> SpeechAudio
}

/// Image generation and editing.
public protocol ImageModel: Sendable {
    /// Generates (or edits) images; provider-side jobs are submitted and waited for.
    func generateImage(_ request: ImageRequest) async throws(LLMError) -> ImageResponse
}

/// Video generation, which always runs as a provider-side job.
public protocol VideoModel: Sendable {
    /// Submits a video generation; wait for it with `Job.wait()`.
    func generateVideo(_ request: VideoRequest) async throws(LLMError) -> Job
    /// A job submitted earlier (possibly by another process), from its stored id (`provider:native-id`).
    func job(id: String) throws(LLMError) -> Job
}

/// Text embeddings.
public protocol EmbeddingModel: Sendable {
    /// Embeds `request.inputs`, batched to the provider's limit, in input order.
    func embed(_ request: EmbeddingRequest) async throws(LLMError) -> EmbeddingResponse
}

extension LLMKit: TranscriptionModel, SpeechModel, ImageModel, VideoModel, EmbeddingModel {
    /// This client as a `TranscriptionModel`.
    public var transcription: some TranscriptionModel { self }
    /// This client as a `SpeechModel`.
    public var speech: some SpeechModel { self }
    /// This client as an `ImageModel`.
    public var images: some ImageModel { self }
    /// This client as a `VideoModel`: `llm.video.job(id: stored)` resumes a job.
    public var video: some VideoModel { self }
    /// This client as an `EmbeddingModel`.
    public var embeddings: some EmbeddingModel { self }
}
