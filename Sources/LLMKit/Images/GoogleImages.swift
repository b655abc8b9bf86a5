@_spi(LLMKitInternal) import LLMKitCore

/// Google images on the Gemini API (`gemini/...`) and Vertex AI (`vertex/...`), routed by model name:
///
/// - `imagen-*`: `POST …/models/{model}:predict` with `{"instances": [{"prompt"}], "parameters": {…}}`; the answer
///   is `predictions[]` of `{bytesBase64Encoded | gcsUri, mimeType, prompt?}`, with filtered images reported as
///   separate `{"raiFilteredReason"}` elements (https://ai.google.dev/gemini-api/docs/imagen and
///   https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/imagen-api, 2026-11-25).
/// - `gemini-*image*` (`gemini-2.5-flash-image`, `gemini-3-pro-image-preview`, …): `:generateContent` with
///   `generationConfig.responseModalities: ["TEXT", "IMAGE"]`; images arrive as `inlineData` parts, text parts
///   become `ImageResponse.text` (https://ai.google.dev/gemini-api/docs/image-generation, 2026-11-25).
///
/// Paths: Gemini API `/v1beta/models/{model}`, Vertex `/v1/projects/{p}/locations/{l}/publishers/google/models/{model}`.
enum GoogleImages {
    /// Aspect ratios Imagen takes; Gemini image models take these and more.
    static let imagenRatios = ["1:1", "3:4", "4:3", "9:16", "16:9"]
    static let geminiRatios = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"]

    enum Route { case imagen, gemini }

    static func route(_ model: String) -> Route? {
        let m = model.lowercased()
        if m.hasPrefix("imagen") { return .imagen }
        if m.hasPrefix("gemini"), m.contains("image") { return .gemini }
        return nil
    }

    /// `size` as an aspect ratio or image size: `1K`/`2K`/`4K` exactly, `WxH` as its reduced ratio (with a
    /// warning: the model picks the pixels), anything else dropped with a warning.
    static func size(_ request: ImageRequest, ratios: [String], warnings: inout [Warning]) -> (
        ratio: String?, imageSize: String?
    ) {
        var ratio = request.aspectRatio
        guard let size = request.size else { return (ratio, nil) }
        let upper = size.uppercased()
        if ["1K", "2K", "4K"].contains(upper) { return (ratio, upper) }
        if ratio == nil, let r = StabilityImages.ratio(size), ratios.contains(r) {
            ratio = r
            warnings.append(
                Warning(
                    code: "parameter_mapped",
                    message: "size \(size) sent as aspectRatio \(r); the model picks the pixel size"))
        } else {
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message:
                        "size \(size): Google image models take an aspect ratio (\(ratios.joined(separator: ", "))) or 1K/2K; not sent"
                ))
        }
        return (ratio, nil)
    }

    static func dropped(_ name: String, _ why: String) -> Warning {
        Warning(code: "parameter_dropped", message: "\(name): \(why); not sent")
    }

    /// The Imagen `:predict` body.
    static func imagenBody(_ request: ImageRequest, vertex: Bool, provider: String) throws(LLMError) -> (
        JSONValue, [Warning]
    ) {
        guard request.images.isEmpty, request.mask == nil else {
            throw LLMError(
                .unsupported,
                "Imagen edits (imagen-3.0-capability-001 referenceImages) are not mapped; use gemini/gemini-2.5-flash-image with images, or send the request yourself",
                provider: provider)
        }
        var warnings: [Warning] = []
        var p: [(key: String, value: JSONValue)] = []
        if let n = request.count { p.append(("sampleCount", .int(n))) }
        let (ratio, imageSize) = size(request, ratios: imagenRatios, warnings: &warnings)
        if let r = ratio { p.append(("aspectRatio", .string(r))) }
        if let s = imageSize { p.append(("sampleImageSize", .string(s))) }
        if vertex {
            if let n = request.negativePrompt { p.append(("negativePrompt", .string(n))) }
            if let s = request.seed { p.append(("seed", .int(s))) }
        } else {
            if request.negativePrompt != nil {
                warnings.append(dropped("negativePrompt", "Imagen on the Gemini API has none"))
            }
            if request.seed != nil { warnings.append(dropped("seed", "Imagen on the Gemini API has none")) }
        }
        for (name, value) in [("quality", request.quality), ("background", request.background)] where value != nil {
            warnings.append(dropped(name, "Imagen has no such option"))
        }
        if request.strength != nil { warnings.append(dropped("strength", "it applies only to image-to-image")) }
        let extra = request.extra?.objectValue ?? []
        p += extra
        // Ask for the filter reasons, so an all-filtered answer can say why (the caller's own spelling wins).
        if !extra.contains(where: { $0.key.lowercased() == "includeraireason" }) {
            p.append(("includeRaiReason", true))
        }
        if let f = request.outputFormat {
            p.append(("outputOptions", ["mimeType": .string("image/" + (f == "jpg" ? "jpeg" : f))]))
        }
        return (["instances": [["prompt": .string(request.prompt)]], "parameters": .object(p)], warnings)
    }

    /// The `:generateContent` body for a Gemini image model: the prompt, then any input images.
    static func geminiBody(_ request: ImageRequest, provider: String) throws(LLMError) -> (JSONValue, [Warning]) {
        guard request.mask == nil else {
            throw LLMError(
                .unsupported, "Gemini image models take no mask; describe the change in the prompt", provider: provider)
        }
        var warnings: [Warning] = []
        var parts: [JSONValue] = [["text": .string(request.prompt)]]
        for image in request.images {
            switch image {
            case .data(let bytes, let mime, _):
                parts.append(["inlineData": ["mimeType": .string(mime), "data": .string(Base64.encode(bytes))]])
            case .url(let u, let mime):
                parts.append(["fileData": ["mimeType": .string(mime ?? "image/png"), "fileUri": .string(u)]])
            }
        }
        var config: [(key: String, value: JSONValue)] = [("responseModalities", ["TEXT", "IMAGE"])]
        let (ratio, imageSize) = size(request, ratios: geminiRatios, warnings: &warnings)
        var imageConfig: [(key: String, value: JSONValue)] = []
        if let r = ratio { imageConfig.append(("aspectRatio", .string(r))) }
        if let s = imageSize { imageConfig.append(("imageSize", .string(s))) }
        if !imageConfig.isEmpty { config.append(("imageConfig", .object(imageConfig))) }
        if let s = request.seed { config.append(("seed", .int(s))) }
        if let n = request.count, n != 1 {
            warnings.append(
                dropped("count \(n)", "Gemini image models have no image count (ask for N images in the prompt)"))
        }
        if request.negativePrompt != nil {
            warnings.append(dropped("negativePrompt", "Gemini image models have none (say it in the prompt)"))
        }
        if request.outputFormat != nil {
            warnings.append(
                dropped("outputFormat", "Gemini image models choose the format (the MIME type is reported)"))
        }
        for (name, value) in [("quality", request.quality), ("background", request.background)] where value != nil {
            warnings.append(dropped(name, "Gemini image models have no such option"))
        }
        if request.strength != nil { warnings.append(dropped("strength", "Gemini image models have none")) }
        config += request.extra?.objectValue ?? []
        let body: JSONValue = [
            "contents": [["parts": .array(parts), "role": "user"]], "generationConfig": .object(config),
        ]
        return (body, warnings)
    }

    /// Strictly decoded base64; a value that is not base64 (e.g. cut short) is a decoding error, never a silent
    /// partial image.
    static func bytes(_ b64: String, index: Int, provider: String) throws(LLMError) -> [UInt8] {
        guard let bytes = Base64.decode(b64), !bytes.isEmpty else {
            throw LLMError(
                .decoding,
                "\(provider) answered with image \(index) that is not valid base64 (\(b64.count) characters)",
                provider: provider)
        }
        return bytes
    }

    /// Imagen `predictions[]`: images in order; `raiFilteredReason` elements become a warning, or
    /// `.contentFiltered` when nothing is left; other elements (the "Positive Prompt" safety entry) are skipped.
    static func imagen(_ t: JSONTape, provider: String, model: String, warnings: [Warning]) throws(LLMError)
        -> ImageResponse
    {
        var images: [GeneratedImage] = []
        var reasons: [String] = []
        var items: [Int] = []
        if let list = t.member(t.root, "predictions") { t.forEachElement(list) { items.append($0) } }
        for p in items {
            let mime = t.member(p, "mimeType").flatMap(t.string)
            let revised = t.member(p, "prompt").flatMap(t.string)
            if let b64 = t.member(p, "bytesBase64Encoded").flatMap(t.string) {
                let data = try bytes(b64, index: images.count, provider: provider)
                images.append(GeneratedImage(data: data, mimeType: mime, revisedPrompt: revised))
            } else if let uri = t.member(p, "gcsUri").flatMap(t.string) {
                images.append(GeneratedImage(url: uri, mimeType: mime, revisedPrompt: revised))
            } else if let reason = t.member(p, "raiFilteredReason").flatMap(t.string) {
                reasons.append(reason)
            }
        }
        guard !images.isEmpty else {
            let why =
                reasons.isEmpty
                ? "no images came back (Imagen drops filtered images; without includeRaiReason it gives no reason)"
                : reasons.joined(separator: " ")
            throw LLMError(.contentFiltered, "Imagen's safety filter removed every image: \(why)", provider: provider)
        }
        var w = warnings
        for r in reasons { w.append(Warning(code: "images_filtered", message: r)) }
        return ImageResponse(model: model, provider: provider, images: images, usage: nil, warnings: w)
    }

    /// Finish reasons that mean the output was withheld by a safety or policy filter.
    static let filteredReasons: Set<String> = [
        "SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "IMAGE_PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION",
        "IMAGE_RECITATION",
    ]

    /// A Gemini `generateContent` answer: `inlineData` parts as images, text parts (not thoughts) as `text`.
    static func gemini(_ t: JSONTape, provider: String, model: String, warnings: [Warning]) throws(LLMError)
        -> ImageResponse
    {
        let root = t.root
        if let block = t.member(root, "promptFeedback").flatMap({ t.member($0, "blockReason") }).flatMap(t.string) {
            throw LLMError(
                .contentFiltered, "\(provider) blocked the prompt (\(block)); rephrase it", provider: provider,
                providerCode: block)
        }
        var images: [GeneratedImage] = []
        var text = ""
        var finish: String?
        var finishMessage: String?
        var partIndexes: [Int] = []
        if let candidates = t.member(root, "candidates") {
            var first: Int?
            t.forEachElement(candidates) { if first == nil { first = $0 } }
            if let c = first {
                finish = t.member(c, "finishReason").flatMap(t.string)
                finishMessage = t.member(c, "finishMessage").flatMap(t.string)
                if let parts = t.member(c, "content").flatMap({ t.member($0, "parts") }) {
                    t.forEachElement(parts) { partIndexes.append($0) }
                }
            }
        }
        for part in partIndexes where t.member(part, "thought").flatMap(t.bool) != true {
            if let s = t.member(part, "text").flatMap(t.string) { text += s }
            if let inline = t.member(part, "inlineData"), let b64 = t.member(inline, "data").flatMap(t.string) {
                let data = try bytes(b64, index: images.count, provider: provider)
                images.append(GeneratedImage(data: data, mimeType: t.member(inline, "mimeType").flatMap(t.string)))
            }
        }
        guard !images.isEmpty else {
            let detail = [finish.map { "finishReason \($0)" }, finishMessage].compactMap { $0 }.joined(separator: ": ")
            if let f = finish, filteredReasons.contains(f) {
                throw LLMError(
                    .contentFiltered, "\(provider) withheld the image (\(detail)); rephrase the prompt",
                    provider: provider, providerCode: f)
            }
            throw LLMError(
                .invalidRequest,
                "\(provider) answered without an image\(detail.isEmpty ? "" : " (\(detail))")\(text.isEmpty ? "" : ": \(text.prefix(200))"); ask for an image explicitly in the prompt",
                provider: provider, providerCode: finish)
        }
        var usage: Usage?
        if let u = t.member(root, "usageMetadata") {
            let thoughts = t.member(u, "thoughtsTokenCount").flatMap(t.int)
            usage = Usage(
                inputTokens: t.member(u, "promptTokenCount").flatMap(t.int) ?? 0,
                outputTokens: (t.member(u, "candidatesTokenCount").flatMap(t.int) ?? 0) + (thoughts ?? 0),
                reasoningTokens: thoughts)
        }
        return ImageResponse(
            model: model, provider: provider, images: images, usage: usage, warnings: warnings,
            text: text.isEmpty ? nil : text)
    }

    /// Google's `{"error": {code, message, status}}` through the shared mapping; a prompt refused by the
    /// Responsible AI filter (a 400 whose message says so, with "Support codes") is `.contentFiltered`.
    static let errors = NonChatErrors { e, json, _ in
        let message = json["error"]?["message"]?.stringValue?.lowercased() ?? ""
        if message.contains("responsible ai") || message.contains("support codes")
            || message.contains("safety filter")
        {
            e.kind = .contentFiltered
        }
    }
}

extension LLMKit {
    /// `generateImage` for `gemini/...` and `vertex/...` (see `GoogleImages`).
    func googleImages(_ request: ImageRequest, id: ModelID, endpoint: Endpoint) async throws(LLMError)
        -> ImageResponse
    {
        guard let route = GoogleImages.route(id.model) else {
            throw LLMError(
                .unsupported,
                "'\(id.model)' is not an image model; use \(id.provider)/imagen-4.0-generate-001 or \(id.provider)/gemini-2.5-flash-image",
                provider: id.provider)
        }
        let m = id.model.addingPercentEncodingForPath
        var vertex = false
        let prefix: String
        if case .vertex(let c) = endpoint.auth {
            vertex = true
            prefix = "/v1/projects/\(c.project)/locations/\(c.location)/publishers/google/models/\(m)"
        } else {
            prefix = "/v1beta/models/\(m)"
        }
        let body: JSONValue
        let warnings: [Warning]
        switch route {
        case .imagen: (body, warnings) = try GoogleImages.imagenBody(request, vertex: vertex, provider: id.provider)
        case .gemini: (body, warnings) = try GoogleImages.geminiBody(request, provider: id.provider)
        }
        let call = plainCall(
            endpoint, model: id.model, path: prefix + (route == .imagen ? ":predict" : ":generateContent"),
            body: JSONWriter.bytes(body), errors: GoogleImages.errors)
        return try await retry.run { () async throws(LLMError) -> ImageResponse in
            let t = try await send(call)
            switch route {
            case .imagen: return try GoogleImages.imagen(t, provider: id.provider, model: id.model, warnings: warnings)
            case .gemini: return try GoogleImages.gemini(t, provider: id.provider, model: id.model, warnings: warnings)
            }
        }
    }
}
