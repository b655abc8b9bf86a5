import LLMKitCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension LLMKit {
    /// Runware `imageInference` with `deliveryMethod: "sync"`: one `POST /v1`, the images in the answer
    /// (https://runware.ai/docs/en/image-inference/api-reference, 2026-11-25). For async delivery (long
    /// tasks, polling with `getResponse`) submit the task as a job with `LLMKit.submit`.
    ///
    /// Mapped: prompt -> `positivePrompt`, count -> `numberResults`, `WxH` size -> `width`/`height`,
    /// output format -> `outputFormat`, negative prompt, seed; `extra` members are added to the task as
    /// given (e.g. `steps`, `CFGScale`, `taskUUID` to choose the task id). Edits are not mapped.
    func runwareImages(_ request: ImageRequest, id: ModelID) async throws(LLMError) -> ImageResponse {
        guard request.images.isEmpty, request.mask == nil else {
            throw LLMError(
                .unsupported,
                "image edits on Runware are not mapped; submit the model's own imageInference inputs with LLMKit.submit",
                provider: id.provider)
        }
        var warnings: [Warning] = []
        for (name, set) in [
            ("quality", request.quality != nil), ("background", request.background != nil),
            ("aspectRatio (use size WxH)", request.aspectRatio != nil), ("strength", request.strength != nil),
        ] where set {
            warnings.append(
                Warning(code: "parameter_dropped", message: "\(name): not mapped for Runware images; not sent"))
        }
        let taskUUID = request.extra?["taskUUID"]?.stringValue ?? UUID().uuidString.lowercased()
        var task: [(key: String, value: JSONValue)] = [
            ("taskType", "imageInference"), ("taskUUID", .string(taskUUID)), ("model", .string(id.model)),
            ("positivePrompt", .string(request.prompt)), ("deliveryMethod", "sync"), ("outputType", "URL"),
        ]
        if let n = request.count { task.append(("numberResults", .int(n))) }
        if let s = request.size {
            let p = s.lowercased().split(separator: "x").compactMap { Int($0) }
            if p.count == 2 {
                task.append(("width", .int(p[0])))
                task.append(("height", .int(p[1])))
            } else {
                warnings.append(
                    Warning(
                        code: "parameter_dropped", message: "size \(s): Runware takes WIDTHxHEIGHT in pixels; not sent")
                )
            }
        }
        if let f = request.outputFormat {
            let upper = f.uppercased()
            task.append(("outputFormat", .string(upper == "JPEG" ? "JPG" : upper)))
        }
        if let n = request.negativePrompt { task.append(("negativePrompt", .string(n))) }
        if let s = request.seed { task.append(("seed", .int(s))) }
        let fixed = Set(task.map(\.key))
        for (k, v) in request.extra?.objectValue ?? [] where !fixed.contains(k) { task.append((k, v)) }
        let call = try RunwareJobs.call(self, id.provider, [.object(task)])
        let found = warnings
        return try await retry.run { () async throws(LLMError) -> ImageResponse in
            let v = try FalJobs.json(try await send(call), provider: id.provider)
            if let reason = RunwareJobs.error(v, taskUUID: taskUUID) {
                throw LLMError(
                    JobMedia.moderated(reason) ? .contentFiltered : .invalidRequest, reason, provider: id.provider)
            }
            let items = (v["data"]?.arrayValue ?? []).filter {
                $0["taskUUID"]?.stringValue == taskUUID && $0["taskType"]?.stringValue == "imageInference"
            }
            let images = items.compactMap { item -> GeneratedImage? in
                let seed = item["seed"]?.intValue
                if let url = item["imageURL"]?.stringValue {
                    return GeneratedImage(url: url, mimeType: JobMedia.mimeType(url), seed: seed)
                }
                return nil
            }
            guard !images.isEmpty else {
                throw LLMError(
                    .decoding, "\(id.provider) answered task \(taskUUID) without images", provider: id.provider)
            }
            return ImageResponse(model: id.model, provider: id.provider, images: images, usage: nil, warnings: found)
        }
    }
}
