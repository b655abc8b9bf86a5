@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

/// A generation that runs as a provider-side job. Its `id` (`provider:native-id`) can be stored
/// and handed to `LLMKit.job(id:)` later, in another process, to keep waiting.
///
/// ```swift
/// let job = try await llm.submit(GenerationRequest(model: "replicate/black-forest-labs/flux-schnell",
///                                                  input: ["prompt": "a red fox in snow"]))
/// for try await s in job.updates() { print(s.state, s.progress ?? 0) }
/// let done = try await job.wait(timeout: .seconds(300))
/// ```
public struct Job: Sendable {
    public let id: String
    let kit: LLMKit
    let provider: String
    let nativeID: String
    /// Set for jobs that do not talk to a provider (LLMKitTesting's scripted video model).
    let backend: (any JobBackend)?

    init(id: String, kit: LLMKit, provider: String, nativeID: String, backend: (any JobBackend)? = nil) {
        self.id = id
        self.kit = kit
        self.provider = provider
        self.nativeID = nativeID
        self.backend = backend
    }

    /// A job answered by closures instead of a provider (for LLMKitTesting's scripted video model).
    package static func scripted(
        id: String, provider: String, status: @escaping @Sendable () async throws(LLMError) -> JobStatus,
        cancel: @escaping @Sendable () async throws(LLMError) -> JobStatus
    ) -> Job {
        let nativeID = id.split(separator: ":", maxSplits: 1).last.map(String.init) ?? id
        return Job(
            id: id, kit: LLMKit(providers: [:], environment: [:]), provider: provider, nativeID: nativeID,
            backend: ClosureJobs(poll: status, stop: cancel))
    }

    private func resolvedBackend() throws(LLMError) -> any JobBackend {
        if let backend { return backend }
        return try kit.jobBackend(provider)
    }

    /// The current status (one request; rate limits and 5xx are retried per the client's policy).
    public func status() async throws(LLMError) -> JobStatus {
        try await resolvedBackend().status(nativeID: nativeID, provider: provider, kit: kit)
    }

    /// Asks the provider to cancel; returns the status it answers with.
    @discardableResult
    public func cancel() async throws(LLMError) -> JobStatus {
        try await resolvedBackend().cancel(nativeID: nativeID, provider: provider, kit: kit)
    }

    /// Waits for the job (as `wait`) and returns what it produced: URLs or bytes with MIME types, in the
    /// provider's order. Download URLs with `LLMKit.download`.
    public func result(
        timeout: Duration = .seconds(600), pollInterval: Duration = .milliseconds(500),
        maxPollInterval: Duration = .seconds(5)
    ) async throws(LLMError) -> [MediaOutput] {
        try await wait(timeout: timeout, pollInterval: pollInterval, maxPollInterval: maxPollInterval).outputs
    }

    /// The job's states as it runs, with percent where the provider reports it (`updates()` with the
    /// default intervals and a 10-minute timeout).
    public var progress: JobUpdates { updates() }

    /// Polls until the job ends: the first poll after `pollInterval`, then 1.5 times longer each
    /// time up to `maxPollInterval`. A succeeded job is returned; a failed one throws with the
    /// provider's reason, a canceled one throws `.cancelled`, and `timeout` throws `.timeout`
    /// (the job itself keeps running: resume it with `LLMKit.job(id:)`).
    public func wait(
        timeout: Duration = .seconds(600), pollInterval: Duration = .milliseconds(500),
        maxPollInterval: Duration = .seconds(5)
    ) async throws(LLMError) -> JobStatus {
        var last: JobStatus?
        for try await s in updates(pollInterval: pollInterval, maxPollInterval: maxPollInterval, timeout: timeout) {
            last = s
        }
        guard let last else { throw LLMError(.timeout, "job \(id) reported nothing", provider: provider) }
        return last
    }

    /// Every status until the job ends (the last one is terminal and succeeded; failures throw).
    public func updates(
        pollInterval: Duration = .milliseconds(500), maxPollInterval: Duration = .seconds(5),
        timeout: Duration = .seconds(600)
    ) -> JobUpdates {
        JobUpdates(job: self, pollInterval: pollInterval, maxPollInterval: maxPollInterval, timeout: timeout)
    }
}

/// The statuses of a job as it runs; ends after a succeeded status, throws on failure.
public struct JobUpdates: AsyncSequence, Sendable {
    public typealias Element = JobStatus
    public typealias Failure = LLMError

    let job: Job
    let pollInterval: Duration
    let maxPollInterval: Duration
    let timeout: Duration

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(
            job: job,
            backoff: PollBackoff(
                interval: pollInterval, maxInterval: maxPollInterval, deadline: ContinuousClock.now + timeout))
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let job: Job
        var backoff: PollBackoff
        var first = true
        var done = false

        public mutating func next() async throws(LLMError) -> JobStatus? {
            guard !done else { return nil }
            if !first {
                let id = job.id
                do {
                    try await backoff.sleep(
                        provider: job.provider,
                        timedOut:
                            "job \(id) is still running after the wait timeout; resume with LLMKit.job(id: \"\(id)\")",
                        cancelled: "waiting for job \(id) was cancelled")
                } catch {
                    done = true
                    throw error
                }
            }
            first = false
            let s = try await job.status()
            switch s.state {
            case .succeeded:
                done = true
            case .failed:
                done = true
                let reason = s.error ?? "no reason given"
                throw LLMError(
                    JobMedia.moderated(reason) ? .contentFiltered : .server, "job \(job.id) failed: \(reason)",
                    provider: job.provider)
            case .canceled:
                done = true
                throw LLMError(.cancelled, "job \(job.id) was canceled", provider: job.provider)
            case .queued, .running:
                break
            }
            return s
        }
    }
}

/// The waits between polls of a provider-side job, shared by `JobUpdates` and AssemblyAI transcripts: the first
/// after `interval`, then 1.5 times longer each time up to `maxInterval`, never past `deadline`. Each poll itself
/// goes through the client's `RetryPolicy` (429 and 5xx answers are retried, `retry-after` honoured).
struct PollBackoff: Sendable {
    var interval: Duration
    let maxInterval: Duration
    let deadline: ContinuousClock.Instant

    /// Sleeps until the next poll. Throws `.timeout` (phase `.total`) with `timedOut` when the next poll would
    /// come after the deadline, and `.cancelled` with `cancelled` when the task is cancelled.
    mutating func sleep(
        provider: String, requestID: String? = nil, timedOut: @autoclosure () -> String,
        cancelled: @autoclosure () -> String
    ) async throws(LLMError) {
        guard ContinuousClock.now + interval < deadline else {
            throw LLMError(.timeout, timedOut(), provider: provider, requestID: requestID, timeoutPhase: .total)
        }
        do { try await Task.sleep(for: interval) } catch {
            throw LLMError(.cancelled, cancelled(), provider: provider, requestID: requestID)
        }
        interval = Swift.min(interval * 1.5, maxInterval)
    }
}

/// A job backend made of two closures (scripted jobs in tests).
struct ClosureJobs: JobBackend {
    let poll: @Sendable () async throws(LLMError) -> JobStatus
    let stop: @Sendable () async throws(LLMError) -> JobStatus

    func status(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        try await poll()
    }
    func cancel(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        try await stop()
    }
    func submit(_ request: GenerationRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        throw LLMError(.unsupported, "a scripted job cannot submit", provider: provider)
    }
    func submitVideo(_ request: VideoRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        throw LLMError(.unsupported, "a scripted job cannot submit", provider: provider)
    }
}

/// One provider's job API: how a generation is submitted, polled and canceled. The native id is
/// whatever the backend needs to find the job again (it becomes the part after `provider:`).
protocol JobBackend: Sendable {
    func submit(_ request: GenerationRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    func status(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus
    func cancel(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus
    /// Submits a typed video request (mapped onto the provider's input).
    func submitVideo(_ request: VideoRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
}

extension LLMKit {
    /// Submits a generation that runs as a job. `input` is the model's own input object
    /// (Replicate predictions).
    public func submit(_ request: GenerationRequest) async throws(LLMError) -> Job {
        let id = try ModelID(parsing: request.model)
        let status = try await jobBackend(id.provider).submit(
            request, model: id.model, provider: id.provider, kit: self)
        return try job(id: status.id)
    }

    /// Submits a video generation; wait for it with `Job.wait()` (or resume later with `job(id:)`).
    public func generateVideo(_ request: VideoRequest) async throws(LLMError) -> Job {
        let id = try ModelID(parsing: request.model)
        let status = try await jobBackend(id.provider).submitVideo(
            request, model: id.model, provider: id.provider, kit: self)
        return try job(id: status.id)
    }

    /// The job API of `provider`, or an error naming the providers that have one.
    func jobBackend(_ provider: String) throws(LLMError) -> any JobBackend {
        let endpoint = try endpoint(provider)
        switch endpoint.info.wire {
        case .replicate: return ReplicateJobs()
        case .fal: return FalJobs()
        case .runware: return RunwareJobs()
        case .luma: return LumaJobs()
        case .gemini: return GoogleVideoJobs(vertex: nil)
        case .vertex:
            guard case .vertex(let c) = endpoint.auth else { break }
            return GoogleVideoJobs(vertex: (c.project, c.location))
        default: break
        }
        throw unsupported(
            endpoint, "job",
            use: "replicate/OWNER/NAME, fal/OWNER/APP, runware/AIR, luma/MODEL or gemini/veo-3.1-generate-preview")
    }

    /// A job submitted earlier, from its `id` (`provider:native-id`).
    public func job(id: String) throws(LLMError) -> Job {
        guard let colon = id.firstIndex(of: ":"), colon != id.startIndex, id.index(after: colon) != id.endIndex else {
            throw LLMError(.invalidRequest, "a job id looks like provider:id (e.g. replicate:abc123); got '\(id)'")
        }
        let provider = String(id[..<colon])
        _ = try endpoint(provider)
        return Job(id: id, kit: self, provider: provider, nativeID: String(id[id.index(after: colon)...]))
    }

    func jobCall(_ provider: String, path: String, method: HTTPMethod) throws(LLMError) -> PreparedCall {
        plainCall(
            try endpoint(provider), model: "", path: path, method: method,
            body: method == .GET ? [] : Array("{}".utf8))
    }
}

/// Replicate predictions (https://replicate.com/docs/reference/http, 2026-11-25).
package struct ReplicateJobs: JobBackend {
    func submit(_ request: GenerationRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        // owner/name -> the model's predictions route; owner/name:version or a bare version -> /v1/predictions.
        let path: String
        var body: [(key: String, value: JSONValue)] = []
        if let colon = model.firstIndex(of: ":") {
            path = "/v1/predictions"
            body.append(("version", .string(String(model[model.index(after: colon)...]))))
        } else if !model.contains("/") {
            path = "/v1/predictions"
            body.append(("version", .string(model)))
        } else {
            let parts = model.split(separator: "/", maxSplits: 1).map { String($0).addingPercentEncodingForPath }
            path = "/v1/models/\(parts[0])/\(parts[1])/predictions"
        }
        body.append(("input", request.input))
        var call = try kit.jobCall(provider, path: path, method: .POST)
        call.body = JSONWriter.bytes(.object(body))
        return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
            try Self.status(try await kit.send(call), provider: provider)
        }
    }

    /// Replicate video models take their own input names; the common ones are `prompt`, `image`
    /// (first frame), `last_frame`/`end_image`, `duration`, `aspect_ratio`, `resolution`, `negative_prompt`
    /// and `seed` (as on google/veo-3, kwaivgi/kling, minimax/hailuo model pages, 2026-11-25). Fields a
    /// model does not know are ignored by Replicate; `extra` sets anything else.
    func submitVideo(_ request: VideoRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        let input = request.snakeCaseInput(image: "image", lastFrame: "last_frame") { d in
            d == d.rounded() ? .int(Int(d)) : .double(d)
        }
        return try await submit(
            GenerationRequest(model: "\(provider)/\(model)", input: input), model: model, provider: provider, kit: kit)
    }

    func status(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        let call = try kit.jobCall(
            provider, path: "/v1/predictions/\(nativeID.addingPercentEncodingForPath)", method: .GET)
        return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
            try Self.status(try await kit.send(call), provider: provider)
        }
    }

    func cancel(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        let call = try kit.jobCall(
            provider, path: "/v1/predictions/\(nativeID.addingPercentEncodingForPath)/cancel", method: .POST)
        return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
            try Self.status(try await kit.send(call), provider: provider)
        }
    }

    static func status(_ t: JSONTape, provider: String) throws(LLMError) -> JobStatus {
        let root = t.root
        guard let id = t.member(root, "id").flatMap(t.string), let s = t.member(root, "status").flatMap(t.string)
        else {
            throw LLMError(
                .decoding, "\(provider) answered without a prediction id and status: \(t.rawText(root).prefix(200))",
                provider: provider)
        }
        let state: JobState
        switch s {
        case "starting": state = .queued
        case "processing": state = .running
        case "succeeded": state = .succeeded
        case "failed": state = .failed
        case "canceled", "aborted": state = .canceled
        default: state = .running
        }
        var outputs: [MediaOutput] = []
        if let o = t.member(root, "output") {
            if let one = t.string(o) {
                outputs.append(output(one))
            } else {
                t.forEachElement(o) { e in if let u = t.string(e) { outputs.append(output(u)) } }
            }
        }
        let error = t.member(root, "error").flatMap { t.string($0) ?? (t.isNull($0) ? nil : t.rawText($0)) }
        var progress: Double? = state == .succeeded ? 1 : nil
        if progress == nil, let logs = t.member(root, "logs").flatMap(t.string) { progress = Self.progress(logs) }
        return JobStatus(id: "\(provider):\(id)", state: state, progress: progress, outputs: outputs, error: error)
    }

    /// A URL, or a `data:` URI decoded to bytes.
    package static func output(_ s: String) -> MediaOutput {
        guard s.hasPrefix("data:"), let comma = s.firstIndex(of: ","), s[..<comma].hasSuffix(";base64") else {
            return MediaOutput(url: s)
        }
        let mime = String(s[s.index(s.startIndex, offsetBy: 5)..<comma].dropLast(7))
        guard let bytes = Base64.decode(String(s[s.index(after: comma)...])) else { return MediaOutput(url: s) }
        return MediaOutput(data: bytes, mimeType: mime)
    }

    /// The last tqdm percentage in a model's logs (` 42%|████`), as 0...1.
    static func progress(_ logs: String) -> Double? {
        var best: Double?
        for line in logs.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard let bar = line.firstIndex(of: "%"), line[line.index(after: bar)...].hasPrefix("|") else { continue }
            let digits = line[..<bar].reversed().prefix { $0.isNumber }
            if let n = Double(String(digits.reversed())), n <= 100 { best = n / 100 }
        }
        return best
    }
}

extension VideoRequest {
    /// The input object most video APIs take (Replicate, fal): `prompt`, the frames under the given names
    /// (as URLs or `data:` URIs), `duration` as the API spells it, `aspect_ratio`, `resolution`,
    /// `negative_prompt`, `seed`, then `extra` over all of it.
    func snakeCaseInput(image: String, lastFrame: String, duration: (Double) -> JSONValue) -> JSONValue {
        var input: JSONValue = ["prompt": .string(prompt)]
        if let i = self.image { input = input.setting(image, .string(i.dataURLOrURL)) }
        if let l = self.lastFrame { input = input.setting(lastFrame, .string(l.dataURLOrURL)) }
        if let d = durationSeconds { input = input.setting("duration", duration(d)) }
        if let a = aspectRatio { input = input.setting("aspect_ratio", .string(a)) }
        if let r = resolution { input = input.setting("resolution", .string(r)) }
        if let n = negativePrompt { input = input.setting("negative_prompt", .string(n)) }
        if let s = seed { input = input.setting("seed", .int(s)) }
        for (k, v) in extra?.objectValue ?? [] { input = input.setting(k, v) }
        return input
    }
}
