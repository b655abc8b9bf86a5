@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

/// fal.ai queue (https://docs.fal.ai/model-apis/model-endpoints/queue, 2026-11-25).
///
/// - Submit: `POST {base}/{model_id}[/{subpath}]` with the model's own input as the body; the answer carries
///   `request_id`, `status_url`, `response_url` and `cancel_url`.
/// - Status, result and cancel live under the app (`owner/app`, without the submit subpath): LLMKit takes the
///   app from the returned `response_url` (falling back to the first two segments of the model id) and keeps the
///   host of the configured base URL, so `FAL_BASE_URL` (a proxy, a test server) applies to every call.
/// - Job id: `fal:{owner/app}:{request_id}`, e.g. `fal:fal-ai/flux:764cabcf-b745-4b3e-ae38-1200304cf45b`.
/// - Auth: `Authorization: Key $FAL_KEY`.
package struct FalJobs: JobBackend {
    func submit(_ request: GenerationRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        let path =
            "/" + model.split(separator: "/").map { String($0).addingPercentEncodingForPath }.joined(separator: "/")
        let call = try Self.call(kit, provider, path: path, method: .POST, body: JSONWriter.bytes(request.input))
        return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
            let v = try Self.json(try await kit.send(call), provider: provider)
            guard let requestID = v["request_id"]?.stringValue else {
                throw LLMError(
                    .decoding, "\(provider) answered the submit without a request_id", provider: provider)
            }
            let app =
                Self.app(fromURL: v["response_url"]?.stringValue ?? v["status_url"]?.stringValue) ?? Self.app(model)
            var s = Self.queueStatus(v, id: "\(provider):\(app):\(requestID)")
            if s.state == .succeeded { s.state = .running }  // outputs come from the result route
            return s
        }
    }

    /// fal video models take their own input names; the common ones are `prompt`, `image_url` (first frame),
    /// `end_image_url` (last frame), `duration` (a string of seconds, e.g. `"5"`, on Kling, MiniMax and Wan),
    /// `aspect_ratio`, `resolution`, `negative_prompt` and `seed`. `extra` sets or overrides anything else
    /// (e.g. `["duration": "8s"]` for Veo).
    func submitVideo(_ request: VideoRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        let input = request.snakeCaseInput(image: "image_url", lastFrame: "end_image_url") { d in
            .string(d == d.rounded() ? String(Int(d)) : String(d))
        }
        return try await submit(
            GenerationRequest(model: "\(provider)/\(model)", input: input), model: model, provider: provider, kit: kit)
    }

    /// One status GET (`?logs=1`); a `COMPLETED` request is followed by the result GET, whose outputs (or
    /// error: fal answers a failed request's result with its `detail` errors) make the job succeeded or failed.
    func status(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        let (app, requestID) = try Self.split(nativeID, provider: provider)
        let base = "/\(app)/requests/\(requestID.addingPercentEncodingForPath)"
        let id = "\(provider):\(nativeID)"
        let statusCall = try Self.call(kit, provider, path: base + "/status?logs=1", method: .GET)
        let queued = try await kit.retry.run { () async throws(LLMError) -> JobStatus in
            Self.queueStatus(try Self.json(try await kit.send(statusCall), provider: provider), id: id)
        }
        guard queued.state == .succeeded else { return queued }
        let resultCall = try Self.call(kit, provider, path: base, method: .GET)
        do {
            let result = try await kit.retry.run { () async throws(LLMError) -> JSONValue in
                try Self.json(try await kit.send(resultCall), provider: provider)
            }
            return JobStatus(id: id, state: .succeeded, progress: 1, outputs: Self.outputs(result))
        } catch {
            // A request that ran and failed: its result answers with the model's errors.
            guard let reason = Self.failure(error) else { throw error }
            return JobStatus(id: id, state: .failed, error: reason)
        }
    }

    /// `PUT …/cancel`: `CANCELLATION_REQUESTED` (202) is reported as canceled (fal may still run a request that
    /// was about to start); `ALREADY_COMPLETED` (400) is answered with the request's status.
    func cancel(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        let (app, requestID) = try Self.split(nativeID, provider: provider)
        let call = try Self.call(
            kit, provider, path: "/\(app)/requests/\(requestID.addingPercentEncodingForPath)/cancel", method: .PUT)
        let id = "\(provider):\(nativeID)"
        do {
            return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
                let v = try Self.json(try await kit.send(call), provider: provider)
                let answer = v["status"]?.stringValue ?? "CANCELLATION_REQUESTED"
                return JobStatus(id: id, state: .canceled, error: "fal: \(answer)")
            }
        } catch {
            guard error.statusCode == 400, error.body?.contains("ALREADY_COMPLETED") == true else { throw error }
            return try await status(nativeID: nativeID, provider: provider, kit: kit)
        }
    }

    // MARK: - Wire

    /// A call with fal's `Key` scheme and fal's error mapping.
    static func call(_ kit: LLMKit, _ provider: String, path: String, method: HTTPMethod, body: [UInt8]? = nil)
        throws(LLMError) -> PreparedCall
    {
        let endpoint = try kit.endpoint(provider)
        var call = kit.plainCall(
            endpoint, model: "", path: path, method: method,
            body: body ?? (method == .GET ? [] : Array("{}".utf8)), errors: FalErrors.dialect)
        if let key = endpoint.apiKey, call.headers.first(name: "authorization") == key {
            call.headers.replaceOrAdd(name: "authorization", value: "Key \(key)")
        }
        return call
    }

    static func json(_ t: JSONTape, provider: String) throws(LLMError) -> JSONValue {
        do { return try t.value(t.root) } catch {
            throw LLMError(
                .decoding, "\(provider) answered with JSON LLMKit could not read: \(error)", provider: provider)
        }
    }

    /// `owner/app` from a queue URL (`https://queue.fal.run/fal-ai/flux/requests/ID/status` -> `fal-ai/flux`).
    package static func app(fromURL url: String?) -> String? {
        guard let url else { return nil }
        let (_, path, _) = PreparedCall.split(url)
        guard let r = path.firstRange(of: "/requests/") else { return nil }
        let app = path[path.index(after: path.startIndex)..<r.lowerBound]
        return app.isEmpty ? nil : String(app)
    }

    /// `owner/app` of a model id without its subpath (`fal-ai/flux/dev` -> `fal-ai/flux`).
    package static func app(_ model: String) -> String {
        model.split(separator: "/").prefix(2).joined(separator: "/")
    }

    static func split(_ nativeID: String, provider: String) throws(LLMError) -> (String, String) {
        guard let colon = nativeID.lastIndex(of: ":"), colon != nativeID.startIndex,
            nativeID.index(after: colon) != nativeID.endIndex
        else {
            throw LLMError(
                .invalidRequest, "a fal job id looks like fal:OWNER/APP:REQUEST_ID; got '\(provider):\(nativeID)'",
                provider: provider)
        }
        return (String(nativeID[..<colon]), String(nativeID[nativeID.index(after: colon)...]))
    }

    /// `IN_QUEUE` -> queued, `IN_PROGRESS` -> running, `COMPLETED` -> succeeded (outputs still to fetch).
    static func queueStatus(_ v: JSONValue, id: String) -> JobStatus {
        let state: JobState
        switch v["status"]?.stringValue {
        case "IN_PROGRESS": state = .running
        case "COMPLETED": state = .succeeded
        default: state = .queued
        }
        return JobStatus(id: id, state: state)
    }

    /// Media in a result: every top-level `{url, content_type}` object or array of them (`images`, `image`,
    /// `video`, `audio_file`, ...), looked for in `response` too (the queue docs' wrapped example).
    static func outputs(_ v: JSONValue) -> [MediaOutput] {
        var found: [MediaOutput] = []
        func file(_ f: JSONValue) {
            guard let url = f["url"]?.stringValue else { return }
            var o = ReplicateJobs.output(url)
            if o.mimeType == nil { o.mimeType = f["content_type"]?.stringValue ?? JobMedia.mimeType(url) }
            found.append(o)
        }
        for (_, member) in v.objectValue ?? [] {
            if let items = member.arrayValue {
                for item in items { file(item) }
            } else if member.objectValue != nil {
                file(member)
            }
        }
        if found.isEmpty, let wrapped = v["response"], wrapped.objectValue != nil, v["status"]?.stringValue != nil {
            return outputs(wrapped)
        }
        return found
    }

    /// The reason of a failed request from its result's error answer; nil for errors that say nothing about the
    /// request (authentication, rate limits, a transport failure).
    static func failure(_ e: LLMError) -> String? {
        guard let status = e.statusCode, status >= 400, ![401, 403, 404, 408, 429].contains(status),
            let type = e.providerType
        else { return nil }
        if e.kind == .contentFiltered { return "safety filter (\(type)): \(e.message)" }
        return "\(type): \(e.message)"
    }
}

/// fal errors: `{"detail": [{"loc", "msg", "type", "url", "ctx", "input"}]}` (https://docs.fal.ai/model-apis/errors,
/// 2026-11-25). `content_policy_violation` (422) is a moderation refusal.
enum FalErrors {
    static let dialect = NonChatErrors { e, json, _ in
        guard let first = json["detail"]?.arrayValue?.first else { return }
        if let msg = first["msg"]?.stringValue, !msg.isEmpty { e.message = msg }
        if let type = first["type"]?.stringValue {
            e.providerType = type
            if type == "content_policy_violation" { e.kind = .contentFiltered }
        }
        if let loc = first["loc"]?.arrayValue?.compactMap(\.stringValue), loc.count > 1 {
            e.param = loc.dropFirst().joined(separator: ".")
        }
    }
}

/// MIME types of generated media from a URL's extension.
enum JobMedia {
    /// Whether a provider's failure reason is a moderation refusal (`.contentFiltered` rather than `.server`).
    static func moderated(_ reason: String) -> Bool {
        let lowered = reason.lowercased()
        return ["nsfw", "safety", "content_policy", "content policy", "moderation"].contains { lowered.contains($0) }
    }

    static func mimeType(_ url: String) -> String? {
        var path = Substring(url)
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<q] }
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "webp": return "image/webp"
        case "gif": return "image/gif"
        case "mp4": return "video/mp4"
        case "webm": return "video/webm"
        case "mov": return "video/quicktime"
        case "mp3": return "audio/mpeg"
        case "wav": return "audio/wav"
        default: return nil
        }
    }
}

extension LLMKit {
    /// `generateImage` on fal, whose images run as queue jobs: submits, waits up to the client's total timeout
    /// (10 minutes when none is set) and returns the outputs as images. Mapped: `prompt`, `num_images`,
    /// `image_size` (`WxH` -> `{"width", "height"}`, else the size as given, e.g. `landscape_4_3`),
    /// `output_format`, and `image_url` / `image_urls` / `mask_url` for edits. `quality` and `background` have no
    /// common field: they are dropped with a warning.
    func imagesFromJob(_ request: ImageRequest, id: ModelID) async throws(LLMError)
        -> ImageResponse
    {
        var warnings: [Warning] = []
        for (name, value) in [("quality", request.quality), ("background", request.background)] where value != nil {
            warnings.append(
                Warning(code: "parameter_dropped", message: "\(name): \(id.provider) has no such option; not sent"))
        }
        let size = request.size.flatMap { s -> (Int, Int)? in
            let p = s.lowercased().split(separator: "x").compactMap { Int($0) }
            return p.count == 2 ? (p[0], p[1]) : nil
        }
        var input: JSONValue = ["prompt": .string(request.prompt)]
        if let n = request.count { input = input.setting("num_images", .int(n)) }
        if let (w, h) = size {
            input = input.setting("image_size", ["width": .int(w), "height": .int(h)])
        } else if let s = request.size {
            input = input.setting("image_size", .string(s))
        }
        if let f = request.outputFormat { input = input.setting("output_format", .string(f)) }
        if request.images.count == 1 {
            input = input.setting("image_url", .string(request.images[0].dataURLOrURL))
        } else if request.images.count > 1 {
            input = input.setting("image_urls", .array(request.images.map { .string($0.dataURLOrURL) }))
        }
        if let mask = request.mask { input = input.setting("mask_url", .string(mask.dataURLOrURL)) }
        let job = try await submit(GenerationRequest(model: id.description, input: input))
        let done = try await job.wait(timeout: transport.timeouts.total ?? .seconds(600))
        let images = done.outputs.map {
            GeneratedImage(data: $0.data, url: $0.data == nil ? $0.url : nil, mimeType: $0.mimeType)
        }
        guard !images.isEmpty else {
            throw LLMError(.decoding, "\(id.provider) finished job \(job.id) without images", provider: id.provider)
        }
        return ImageResponse(model: id.model, provider: id.provider, images: images, usage: nil, warnings: warnings)
    }
}
