/// Where a long-running generation stands.
public enum JobState: String, Sendable, Hashable, Codable {
    case queued, running, succeeded, failed, canceled

    /// Succeeded, failed or canceled: polling stops.
    public var isTerminal: Bool { self == .succeeded || self == .failed || self == .canceled }
}

/// One generated artefact: a URL to fetch, or the bytes themselves.
public struct MediaOutput: Sendable, Hashable, Codable {
    public var url: String?
    public var data: [UInt8]?
    public var mimeType: String?

    public init(url: String? = nil, data: [UInt8]? = nil, mimeType: String? = nil) {
        self.url = url
        self.data = data
        self.mimeType = mimeType
    }
}

/// A snapshot of a job, as the provider reported it.
public struct JobStatus: Sendable, Hashable, Codable {
    /// `provider:native-id`; pass it to `LLMKit.job(id:)` to resume later.
    public var id: String
    public var state: JobState
    /// 0...1 where the provider reports or logs progress.
    public var progress: Double?
    /// Outputs so far (some providers fill them before the job ends).
    public var outputs: [MediaOutput]
    /// The provider's reason for a failed or canceled job.
    public var error: String?

    public init(id: String, state: JobState, progress: Double? = nil, outputs: [MediaOutput] = [], error: String? = nil)
    {
        self.id = id
        self.state = state
        self.progress = progress
        self.outputs = outputs
        self.error = error
    }
}

/// A generation submitted to a provider that runs it as a job: `model` is `provider/model`
/// (Replicate: `replicate/owner/name` or `replicate/owner/name:version`), `input` the model's own inputs.
public struct GenerationRequest: Sendable, Hashable {
    public var model: String
    public var input: JSONValue

    public init(model: String, input: JSONValue) {
        self.model = model
        self.input = input
    }
}
