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

/// A `VideoModel` for tests: each `generateVideo` takes the next scripted job, given as the statuses its
/// polls answer in order (the last one repeats, and should be terminal). Jobs can be found again by id with
/// `job(id:)`, and `cancel()` moves a job to `.canceled`.
public struct ScriptedVideoModel: VideoModel {
    public let script: Script<VideoRequest, [JobStatus]>
    private let jobs = JobTable()

    public init(_ jobs: [Result<[JobStatus], LLMError>]) { script = Script(jobs) }

    public func generateVideo(_ request: VideoRequest) async throws(LLMError) -> Job {
        let statuses = try script.next(request)
        guard let first = statuses.first else {
            throw LLMError(.invalidRequest, "a scripted job needs at least one status")
        }
        let backend = ScriptedJobBackend(statuses)
        jobs.add(first.id, backend)
        return backend.job(first.id)
    }

    public func job(id: String) throws(LLMError) -> Job {
        guard let backend = jobs.find(id) else {
            throw LLMError(.notFound, "no scripted job has the id \(id); use an id generateVideo returned")
        }
        return backend.job(id)
    }
}

private final class JobTable: @unchecked Sendable {
    private let lock = NSLock()
    private var backends: [String: ScriptedJobBackend] = [:]
    func add(_ id: String, _ backend: ScriptedJobBackend) { lock.withLock { backends[id] = backend } }
    func find(_ id: String) -> ScriptedJobBackend? { lock.withLock { backends[id] } }
}

private final class ScriptedJobBackend: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [JobStatus]

    init(_ statuses: [JobStatus]) { self.statuses = statuses }

    func status() -> JobStatus {
        lock.withLock { statuses.count > 1 ? statuses.removeFirst() : statuses[0] }
    }

    func cancel() -> JobStatus {
        lock.withLock {
            var s = statuses[0]
            s.state = .canceled
            statuses = [s]
            return s
        }
    }

    func job(_ id: String) -> Job {
        Job.scripted(
            id: id, provider: "scripted", status: { () async throws(LLMError) -> JobStatus in self.status() },
            cancel: { () async throws(LLMError) -> JobStatus in self.cancel() })
    }
}
