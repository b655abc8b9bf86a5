/// A video to generate. Video models run as provider-side jobs: `LLMKit.generateVideo` submits and
/// returns a `Job`; `Job.wait()` gives the finished video as a `MediaOutput` (URL or bytes).
public struct VideoRequest: Sendable, Hashable {
    /// `provider/model`, e.g. `google/veo-3.1-generate-preview` or `replicate/OWNER/NAME`.
    public var model: String
    public var prompt: String
    /// The first frame (image-to-video).
    public var image: MediaSource?
    /// The last frame, where the model takes one.
    public var lastFrame: MediaSource?
    /// Length in seconds; nil keeps the model's default.
    public var durationSeconds: Double?
    /// `16:9`, `9:16`, `1:1`, ...
    public var aspectRatio: String?
    /// `720p`, `1080p`, ...
    public var resolution: String?
    public var negativePrompt: String?
    public var seed: Int?
    /// Provider-specific fields, merged into the request's input object as they are.
    public var extra: JSONValue?

    public init(
        model: String, prompt: String, image: MediaSource? = nil, lastFrame: MediaSource? = nil,
        durationSeconds: Double? = nil, aspectRatio: String? = nil, resolution: String? = nil,
        negativePrompt: String? = nil, seed: Int? = nil, extra: JSONValue? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.image = image
        self.lastFrame = lastFrame
        self.durationSeconds = durationSeconds
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.extra = extra
    }
}

extension MediaSource {
    /// The URL, or the bytes as a `data:` URI (what image-to-video APIs take inline).
    public var dataURLOrURL: String {
        switch self {
        case .url(let u, _): return u
        case .data(let bytes, let mime, _): return "data:\(mime);base64," + Base64.encode(bytes)
        }
    }
}
