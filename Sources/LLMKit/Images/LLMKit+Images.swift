@_spi(LLMKitInternal) import LLMKitCore

extension LLMKit {
    /// Generates images, or edits `request.images` when it is not empty.
    ///
    /// - OpenAI and Azure OpenAI: `POST /images/generations`, or `/images/edits` (multipart) with images.
    /// - Stability AI (`stability/stable-image-ultra`, `stability/stable-image-core`, `stability/sd3.5-large`, …):
    ///   `/v2beta/stable-image/generate/…` (see `StabilityImages`).
    /// - Gemini API and Vertex AI: `imagen-*` through `:predict`, `gemini-*image*` through `:generateContent`
    ///   (see `GoogleImages`).
    /// - fal (`fal/OWNER/APP`) submits a queue job and waits for it (see `imagesFromJob`); Runware (`runware/AIR`)
    ///   runs `imageInference` with sync delivery (see `runwareImages`).
    ///
    /// Other providers throw `unsupported`. Options a provider cannot take are listed in `warnings`.
    public func generateImage(_ request: ImageRequest) async throws(LLMError) -> ImageResponse {
        let id = try ModelID(parsing: request.model)
        let endpoint = try endpoint(id.provider)
        let prefix: String
        switch endpoint.info.wire {
        case .openAI: prefix = ""
        case .azure: prefix = "/openai/v1"
        case .stability: return try await stabilityImages(request, id: id, endpoint: endpoint)
        case .gemini, .vertex: return try await googleImages(request, id: id, endpoint: endpoint)
        case .runware: return try await runwareImages(request, id: id)
        case .fal:
            var r = try await imagesFromJob(request, id: id)
            r.warnings += Self.unmapped(request, provider: id.provider)
            return r
        default:
            throw unsupported(
                endpoint, "image",
                use:
                    "openai/gpt-image-1, stability/stable-image-core, gemini/imagen-4.0-generate-001 or gemini/gemini-2.5-flash-image"
            )
        }
        let options: [(String, String?)] = [
            ("size", request.size), ("quality", request.quality), ("background", request.background),
            ("output_format", request.outputFormat),
        ]
        let path: String
        let body: [UInt8]
        var contentType = "application/json"
        if request.images.isEmpty {
            var o: [(key: String, value: JSONValue)] = [
                ("model", .string(id.model)), ("prompt", .string(request.prompt)),
            ]
            if let n = request.count { o.append(("n", .int(n))) }
            for (k, v) in options { if let v { o.append((k, .string(v))) } }
            path = prefix + "/images/generations"
            body = JSONWriter.bytes(.object(o))
        } else {
            var form = MultipartForm()
            form.field("model", id.model)
            form.field("prompt", request.prompt)
            let name = request.images.count > 1 ? "image[]" : "image"
            for (i, image) in request.images.enumerated() {
                guard case .data(let bytes, let mime, let filename) = image else {
                    throw LLMError(
                        .unsupported, "image edits take the images as bytes, not URLs", provider: id.provider)
                }
                form.file(name, filename: filename ?? "image\(i).\(Self.ext(mime))", contentType: mime, data: bytes)
            }
            if let mask = request.mask {
                guard case .data(let bytes, let mime, let filename) = mask else {
                    throw LLMError(.unsupported, "the mask must be bytes, not a URL", provider: id.provider)
                }
                form.file("mask", filename: filename ?? "mask.png", contentType: mime, data: bytes)
            }
            if let n = request.count { form.field("n", String(n)) }
            for (k, v) in options { if let v { form.field(k, v) } }
            path = prefix + "/images/edits"
            body = form.bytes()
            contentType = form.contentType
        }
        let call = plainCall(endpoint, model: id.model, path: path, body: body, contentType: contentType)
        let format = request.outputFormat ?? "png"
        let warnings = Self.unmapped(request, provider: id.provider)
        return try await retry.run { () async throws(LLMError) -> ImageResponse in
            var r = try Self.images(try await send(call), provider: id.provider, model: id.model, format: format)
            r.warnings += warnings
            return r
        }
    }

    /// Warnings for the options only Stability AI and Google map (OpenAI, Azure, fal and Runware drop them).
    static func unmapped(_ request: ImageRequest, provider: String) -> [Warning] {
        var names: [String] = []
        if request.aspectRatio != nil { names.append("aspectRatio (use size)") }
        if request.negativePrompt != nil { names.append("negativePrompt") }
        if request.seed != nil { names.append("seed") }
        if request.strength != nil { names.append("strength") }
        if request.extra != nil { names.append("extra") }
        return names.map {
            Warning(code: "parameter_dropped", message: "\($0): not mapped for \(provider) images; not sent")
        }
    }

    /// `{"data": [{"b64_json" | "url", "revised_prompt"}], "output_format", "usage"}`.
    static func images(_ t: JSONTape, provider: String, model: String, format: String) throws(LLMError) -> ImageResponse
    {
        guard let data = t.member(t.root, "data") else {
            throw LLMError(.decoding, "\(provider) answered without data[]", provider: provider)
        }
        let mime = "image/" + (t.member(t.root, "output_format").flatMap(t.string) ?? format)
        var images: [GeneratedImage] = []
        var bad = false
        t.forEachElement(data) { item in
            let revised = t.member(item, "revised_prompt").flatMap(t.string)
            if let b64 = t.member(item, "b64_json").flatMap(t.string) {
                guard let bytes = Base64.decode(b64) else {
                    bad = true
                    return
                }
                images.append(GeneratedImage(data: bytes, mimeType: mime, revisedPrompt: revised))
            } else if let url = t.member(item, "url").flatMap(t.string) {
                images.append(GeneratedImage(url: url, revisedPrompt: revised))
            }
        }
        if bad || images.isEmpty {
            throw LLMError(.decoding, "\(provider) answered without decodable images", provider: provider)
        }
        let usage = t.member(t.root, "usage").map { u in
            Usage(
                inputTokens: t.member(u, "input_tokens").flatMap(t.int) ?? 0,
                outputTokens: t.member(u, "output_tokens").flatMap(t.int) ?? 0)
        }
        return ImageResponse(model: model, provider: provider, images: images, usage: usage)
    }

    static func ext(_ mime: String) -> String {
        switch mime {
        case "image/jpeg": "jpg"
        case "image/webp": "webp"
        default: "png"
        }
    }
}
