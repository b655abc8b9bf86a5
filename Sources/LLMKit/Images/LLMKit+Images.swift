import LLMKitCore

extension LLMKit {
    /// Generates images (`POST /images/generations`), or edits `request.images` (`/images/edits`,
    /// multipart) when it is not empty. OpenAI and Azure OpenAI; fal (`fal/OWNER/APP`) and Runware (`runware/AIR`)
    /// submit a job and wait for it (see `imagesFromJob`); other providers throw `unsupported`.
    public func generateImage(_ request: ImageRequest) async throws(LLMError) -> ImageResponse {
        let id = try ModelID(parsing: request.model)
        let endpoint = try endpoint(id.provider)
        let prefix: String
        switch endpoint.info.wire {
        case .openAI: prefix = ""
        case .azure: prefix = "/openai/v1"
        case .fal, .runware: return try await imagesFromJob(request, id: id, wire: endpoint.info.wire)
        default:
            throw unsupported(endpoint, "image", use: "openai/gpt-image-1")
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
        return try await retry.run { () async throws(LLMError) -> ImageResponse in
            try Self.images(try await send(call), provider: id.provider, model: id.model, format: format)
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
