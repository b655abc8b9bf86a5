import Foundation
import LLMKit
import LLMKitCore

/// Answers given in order, and the requests that asked for them. Thread-safe.
public final class Script<Request: Sendable, Answer: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [Result<Answer, LLMError>]
    private var seen: [Request] = []

    public init(_ answers: [Result<Answer, LLMError>]) { self.answers = answers }

    /// Every request so far, in order.
    public var requests: [Request] { lock.withLock { seen } }

    /// Records `request` and returns (or throws) the next answer; a script that ran out throws
    /// `.invalidRequest` saying how many answers it had.
    public func next(_ request: Request) throws(LLMError) -> Answer {
        let answer: Result<Answer, LLMError>? = lock.withLock {
            seen.append(request)
            return answers.isEmpty ? nil : answers.removeFirst()
        }
        guard let answer else {
            throw LLMError(
                .invalidRequest,
                "the scripted model has no answer left for request \(requests.count); give it more answers")
        }
        return try answer.get()
    }
}

/// A `TranscriptionModel` for tests: scripted transcripts or errors, requests recorded. Progress is
/// reported once, whole, for audio given as bytes.
public struct ScriptedTranscriptionModel: TranscriptionModel {
    public let script: Script<TranscriptionRequest, Transcript>
    public init(_ answers: [Result<Transcript, LLMError>]) { script = Script(answers) }

    public func transcribe(_ request: TranscriptionRequest, progress: (@Sendable (UploadProgress) -> Void)?)
        async throws(LLMError) -> Transcript
    {
        if case .data(let bytes, _, _) = request.audio {
            progress?(UploadProgress(sent: bytes.count, total: bytes.count))
        }
        return try script.next(request)
    }
}

/// A `SpeechModel` for tests: scripted audio or errors, requests recorded.
public struct ScriptedSpeechModel: SpeechModel {
    public let script: Script<SpeechRequest, SpeechAudio>
    public init(_ answers: [Result<SpeechAudio, LLMError>]) { script = Script(answers) }
    public func speak(_ request: SpeechRequest) async throws(LLMError) -> SpeechAudio { try script.next(request) }
}

/// An `ImageModel` for tests: scripted images or errors, requests recorded.
public struct ScriptedImageModel: ImageModel {
    public let script: Script<ImageRequest, ImageResponse>
    public init(_ answers: [Result<ImageResponse, LLMError>]) { script = Script(answers) }
    public func generateImage(_ request: ImageRequest) async throws(LLMError) -> ImageResponse {
        try script.next(request)
    }
}

/// An `EmbeddingModel` for tests: scripted vectors or errors, requests recorded.
public struct ScriptedEmbeddingModel: EmbeddingModel {
    public let script: Script<EmbeddingRequest, EmbeddingResponse>
    public init(_ answers: [Result<EmbeddingResponse, LLMError>]) { script = Script(answers) }
    public func embed(_ request: EmbeddingRequest) async throws(LLMError) -> EmbeddingResponse {
        try script.next(request)
    }
}
