@_spi(LLMKitInternal) import LLMKitCore

/// Stability AI Stable Image v2beta (https://platform.stability.ai/docs/api-reference, OpenAPI of
/// https://api.stability.ai/v2alpha/openapi as vendored in tryAGI/StabilityAI, 2026-11-25).
///
/// - `POST /v2beta/stable-image/generate/{ultra|core|sd3}`, `multipart/form-data`, `Authorization: Bearer`,
///   `Accept: application/json` -> `{"image": base64, "finish_reason": "SUCCESS" | "CONTENT_FILTERED", "seed"}`.
/// - One image per request: `count` > 1 sends that many requests, one after the other.
/// - Errors: `{"id", "name", "errors": [String]}`; `name: "content_moderation"` (403) is a refusal.
///
/// Model ids (the part after `stability/`):
///
/// | model id | endpoint | `model` form field |
/// |---|---|---|
/// | `stable-image-ultra` (or `ultra`) | `generate/ultra` | none |
/// | `stable-image-core` (or `core`) | `generate/core` | none |
/// | `sd3.5-large`, `sd3.5-large-turbo`, `sd3.5-medium`, `sd3.5-flash` (any `sd3*`) | `generate/sd3` | the id |
enum StabilityImages {
    /// The endpoint path and the `model` field for a model id; nil for an id that is not a generate model.
    static func route(_ model: String) -> (path: String, model: String?)? {
        let m = model.lowercased()
        switch m {
        case "stable-image-ultra", "ultra": return ("/v2beta/stable-image/generate/ultra", nil)
        case "stable-image-core", "core": return ("/v2beta/stable-image/generate/core", nil)
        default:
            guard m.hasPrefix("sd3") else { return nil }
            return ("/v2beta/stable-image/generate/sd3", model)
        }
    }

    /// The aspect ratios the generate endpoints accept.
    static let aspectRatios = ["21:9", "16:9", "3:2", "5:4", "1:1", "4:5", "2:3", "9:16", "9:21"]

    /// The multipart body of one request, and the warnings for what could not be sent.
    static func form(_ request: ImageRequest, route: (path: String, model: String?), provider: String)
        throws(LLMError) -> (MultipartForm, [Warning])
    {
        var warnings: [Warning] = []
        func dropped(_ name: String, _ why: String) {
            warnings.append(Warning(code: "parameter_dropped", message: "\(name): \(why); not sent"))
        }
        let isSD3 = route.model != nil
        let isCore = route.path.hasSuffix("/core")
        guard request.images.count <= 1 else {
            throw LLMError(
                .unsupported, "Stability AI takes one starting image per request; got \(request.images.count)",
                provider: provider)
        }
        if request.mask != nil {
            throw LLMError(
                .unsupported,
                "masks are not mapped for Stability AI's generate endpoints; call /v2beta/stable-image/edit/inpaint yourself",
                provider: provider)
        }
        var image: (bytes: [UInt8], mime: String, filename: String)?
        if let first = request.images.first {
            guard !isCore else {
                throw LLMError(
                    .unsupported,
                    "stable-image-core takes no starting image; use stability/stable-image-ultra or stability/sd3.5-large for image-to-image",
                    provider: provider)
            }
            guard case .data(let bytes, let mime, let filename) = first else {
                throw LLMError(
                    .unsupported, "Stability AI takes the starting image as bytes, not a URL", provider: provider)
            }
            guard request.strength != nil else {
                throw LLMError(
                    .invalidRequest,
                    "Stability AI needs strength (0...1) with a starting image: 0 keeps the image, 1 ignores it",
                    provider: provider)
            }
            image = (bytes, mime, filename ?? "image.\(LLMKit.ext(mime))")
        }
        var aspect = request.aspectRatio
        if aspect == nil, let size = request.size {
            if let ratio = Self.ratio(size), Self.aspectRatios.contains(ratio) {
                aspect = ratio
                warnings.append(
                    Warning(
                        code: "parameter_mapped",
                        message: "size \(size) sent as aspect_ratio \(ratio); Stability AI picks the pixel size"))
            } else {
                dropped("size \(size)", "Stability AI takes aspect_ratio (\(aspectRatios.joined(separator: ", ")))")
            }
        }
        if image != nil, isSD3, let a = aspect {
            dropped("aspect_ratio \(a)", "sd3 image-to-image keeps the starting image's ratio")
            aspect = nil
        }
        if request.strength != nil, image == nil { dropped("strength", "it applies only with a starting image") }
        if request.quality != nil { dropped("quality", "Stability AI has no such option") }
        if request.background != nil { dropped("background", "Stability AI has no such option") }

        var form = MultipartForm()
        form.field("prompt", request.prompt)
        if let model = route.model { form.field("model", model) }
        if let image {
            if isSD3 { form.field("mode", "image-to-image") }
            form.file("image", filename: image.filename, contentType: image.mime, data: image.bytes)
            if let s = request.strength { form.field("strength", Self.number(s)) }
        }
        if let n = request.negativePrompt { form.field("negative_prompt", n) }
        if let a = aspect { form.field("aspect_ratio", a) }
        if let s = request.seed { form.field("seed", String(s)) }
        if let f = request.outputFormat { form.field("output_format", f == "jpg" ? "jpeg" : f) }
        for (k, v) in request.extra?.objectValue ?? [] {
            switch v {
            case .string(let s): form.field(k, s)
            case .null: continue
            case .object, .array:
                throw LLMError(
                    .invalidRequest, "Stability AI form field \(k) must be a string, number or boolean",
                    provider: provider)
            default: form.field(k, JSONWriter.string(v))
            }
        }
        return (form, warnings)
    }

    /// `W:H` reduced (`1536x1024` -> `3:2`), nil when `size` is not `WxH`.
    static func ratio(_ size: String) -> String? {
        let p = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard p.count == 2, p[0] > 0, p[1] > 0 else { return nil }
        var (a, b) = (p[0], p[1])
        while b != 0 { (a, b) = (b, a % b) }
        return "\(p[0] / a):\(p[1] / a)"
    }

    /// `0.5`, `1`: a number as a form field.
    static func number(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }

    /// One JSON answer: the image, or `.contentFiltered` when Stability AI blurred it.
    static func image(_ t: JSONTape, provider: String, format: String) throws(LLMError) -> GeneratedImage {
        let root = t.root
        let reason = t.member(root, "finish_reason").flatMap(t.string)
        if reason == "CONTENT_FILTERED" {
            throw LLMError(
                .contentFiltered,
                "Stability AI's content moderation flagged the output and blurred it (finish_reason CONTENT_FILTERED); rephrase the prompt",
                provider: provider, providerCode: "CONTENT_FILTERED")
        }
        guard let b64 = t.member(root, "image").flatMap(t.string) else {
            throw LLMError(
                .decoding, "Stability AI answered without an image: \(t.rawText(root).prefix(200))", provider: provider)
        }
        guard let bytes = Base64.decode(b64), !bytes.isEmpty else {
            throw LLMError(
                .decoding, "Stability AI's image is not valid base64 (\(b64.count) characters)", provider: provider)
        }
        if let reason, reason != "SUCCESS" {
            throw LLMError(.server, "Stability AI finished with \(reason)", provider: provider, providerCode: reason)
        }
        let seed = t.member(root, "seed").flatMap { t.int($0) ?? t.double($0).map { Int($0) } }
        return GeneratedImage(data: bytes, mimeType: "image/" + format, seed: seed)
    }

    /// `{"id", "name", "errors": [String]}`: the messages joined, `name` as the provider code;
    /// `content_moderation` is `.contentFiltered`.
    static let errors = NonChatErrors { e, json, context in
        guard let name = json["name"]?.stringValue else { return }
        e.providerCode = name
        let messages = (json["errors"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !messages.isEmpty {
            e.message = messages.joined(separator: "; ")
            if e.kind == .authentication, let v = context.keyVariable { e.message += " (check \(v))" }
        }
        if name == "content_moderation" {
            e.kind = .contentFiltered
            e.message += " (rephrase the prompt or change the starting image)"
        }
    }
}

extension LLMKit {
    /// `generateImage` for `stability/...` (see `StabilityImages`).
    func stabilityImages(_ request: ImageRequest, id: ModelID, endpoint: Endpoint) async throws(LLMError)
        -> ImageResponse
    {
        guard let route = StabilityImages.route(id.model) else {
            throw LLMError(
                .unsupported,
                "unknown Stability AI image model '\(id.model)'; use stability/stable-image-ultra, stability/stable-image-core or stability/sd3.5-large (also sd3.5-large-turbo, sd3.5-medium, sd3.5-flash)",
                provider: id.provider)
        }
        let (form, warnings) = try StabilityImages.form(request, route: route, provider: id.provider)
        let call = plainCall(
            endpoint, model: id.model, path: route.path, body: form.bytes(), contentType: form.contentType,
            errors: StabilityImages.errors)
        var format = request.outputFormat ?? "png"
        if format == "jpg" { format = "jpeg" }
        var images: [GeneratedImage] = []
        for _ in 0..<max(1, request.count ?? 1) {
            let f = format
            images.append(
                try await retry.run { () async throws(LLMError) -> GeneratedImage in
                    try StabilityImages.image(try await send(call), provider: id.provider, format: f)
                })
        }
        return ImageResponse(model: id.model, provider: id.provider, images: images, usage: nil, warnings: warnings)
    }
}
