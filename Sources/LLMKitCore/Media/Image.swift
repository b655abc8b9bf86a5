/// A request for images from a prompt, or edits of `images` when it is not empty.
public struct ImageRequest: Sendable, Hashable {
    /// `provider/model`, e.g. `openai/gpt-image-1`.
    public var model: String
    public var prompt: String
    /// How many images.
    public var count: Int?
    /// `1024x1024`, `1536x1024`, `auto`, ... as the model documents.
    public var size: String?
    /// `low`, `medium`, `high`, `auto` (gpt-image); `standard`, `hd` (dall-e-3).
    public var quality: String?
    /// `transparent`, `opaque`, `auto` (gpt-image).
    public var background: String?
    /// `png`, `jpeg`, `webp` (gpt-image).
    public var outputFormat: String?
    /// Images to edit (an edit request when not empty).
    public var images: [MediaSource]
    /// A PNG mask for edits: transparent where the image should change.
    public var mask: MediaSource?
    /// `16:9`, `1:1`, ... for providers that take an aspect ratio rather than a size (Stability AI, Imagen, Gemini).
    public var aspectRatio: String?
    /// What the image should not show (Stability AI; Imagen on Vertex AI).
    public var negativePrompt: String?
    /// A seed for reproducible results, where the provider takes one.
    public var seed: Int?
    /// How far an image-to-image result may move away from `images[0]`: 0 keeps it, 1 ignores it (Stability AI).
    public var strength: Double?
    /// Provider-specific fields sent as given (Stability AI form fields such as `style_preset`; Imagen
    /// `parameters` such as `personGeneration`; Gemini `generationConfig` members).
    public var extra: JSONValue?

    public init(
        model: String, prompt: String, count: Int? = nil, size: String? = nil, quality: String? = nil,
        background: String? = nil, outputFormat: String? = nil, images: [MediaSource] = [], mask: MediaSource? = nil,
        aspectRatio: String? = nil, negativePrompt: String? = nil, seed: Int? = nil, strength: Double? = nil,
        extra: JSONValue? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.count = count
        self.size = size
        self.quality = quality
        self.background = background
        self.outputFormat = outputFormat
        self.images = images
        self.mask = mask
        self.aspectRatio = aspectRatio
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.strength = strength
        self.extra = extra
    }
}

/// One generated image: bytes with their MIME type, or a URL to fetch.
public struct GeneratedImage: Sendable, Hashable, Codable {
    public var data: [UInt8]?
    public var url: String?
    public var mimeType: String?
    /// The prompt the provider actually used (dall-e-3).
    public var revisedPrompt: String?
    public var seed: Int?

    public init(
        data: [UInt8]? = nil, url: String? = nil, mimeType: String? = nil, revisedPrompt: String? = nil,
        seed: Int? = nil
    ) {
        self.data = data
        self.url = url
        self.mimeType = mimeType
        self.revisedPrompt = revisedPrompt
        self.seed = seed
    }
}

/// The images, in order, with usage where the provider reports it.
public struct ImageResponse: Sendable, Hashable, Codable {
    public var model: String
    public var provider: String
    public var images: [GeneratedImage]
    public var usage: Usage?
    public var warnings: [Warning]
    /// Text the model wrote alongside the images (Gemini native image output), nil when there was none.
    public var text: String?

    public init(
        model: String, provider: String, images: [GeneratedImage], usage: Usage?, warnings: [Warning] = [],
        text: String? = nil
    ) {
        self.model = model
        self.provider = provider
        self.images = images
        self.usage = usage
        self.warnings = warnings
        self.text = text
    }
}
