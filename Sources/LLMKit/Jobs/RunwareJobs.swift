@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Runware task array (https://runware.ai/docs/en/utilities/task-responses and
/// https://runware.ai/docs/en/video-inference/api-reference, 2026-11-25).
///
/// - Every call is `POST {base}/v1` with a JSON array of tasks; `Authorization: Bearer $RUNWARE_API_KEY`.
/// - Submit sends one task with `deliveryMethod: "async"` and a `taskUUID` (the input's own, else a new UUID v4);
///   the answer only acknowledges it.
/// - Status sends `[{"taskType": "getResponse", "taskUUID": …}]`: items in `data` are `processing` or `success`
///   (with `imageURL` / `videoURL` / `audioURL`), failed ones come in `errors` (`code`, `message`).
/// - Job id: `runware:{taskUUID}`.
/// - Runware has no cancel task: `cancel()` throws `unsupported`.
package struct RunwareJobs: JobBackend {
    /// `input` is the task object without `taskType` (default `imageInference`; set `taskType` in the input for
    /// another task such as `videoInference`), `model` (taken from the model id, an AIR such as `runware:101@1`)
    /// and `deliveryMethod` (always `async`).
    func submit(_ request: GenerationRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        let taskUUID = request.input["taskUUID"]?.stringValue ?? UUID().uuidString.lowercased()
        var task: [(key: String, value: JSONValue)] = [
            ("taskType", .string(request.input["taskType"]?.stringValue ?? "imageInference")),
            ("taskUUID", .string(taskUUID)), ("model", .string(model)), ("deliveryMethod", "async"),
        ]
        let fixed: Set<String> = ["taskType", "taskUUID", "model", "deliveryMethod"]
        for (k, v) in request.input.objectValue ?? [] where !fixed.contains(k) { task.append((k, v)) }
        let call = try Self.call(kit, provider, [.object(task)])
        return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
            let v = try FalJobs.json(try await kit.send(call), provider: provider)
            if let reason = Self.error(v, taskUUID: taskUUID) {
                throw LLMError(.invalidRequest, reason, provider: provider)
            }
            return JobStatus(id: "\(provider):\(taskUUID)", state: .queued)
        }
    }

    /// `videoInference`: `positivePrompt`, `negativePrompt`, `duration`, `seed`, `inputs.frameImages`
    /// (`[{image, frame: "first" | "last"}]`, URLs or data URIs). An aspect ratio becomes `width`/`height`
    /// (the short side from `resolution`, 720 by default, rounded to multiples of 8); a resolution alone is sent as
    /// `resolution`. `extra` sets or overrides anything else (e.g. `providerSettings`).
    func submitVideo(_ request: VideoRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        var input: JSONValue = ["taskType": "videoInference", "positivePrompt": .string(request.prompt)]
        if let n = request.negativePrompt { input = input.setting("negativePrompt", .string(n)) }
        if let d = request.durationSeconds {
            input = input.setting("duration", d == d.rounded() ? .int(Int(d)) : .double(d))
        }
        if let s = request.seed { input = input.setting("seed", .int(s)) }
        var frames: [JSONValue] = []
        if let image = request.image {
            frames.append(["image": .string(image.dataURLOrURL), "frame": "first"])
        }
        if let last = request.lastFrame {
            frames.append(["image": .string(last.dataURLOrURL), "frame": "last"])
        }
        if !frames.isEmpty { input = input.setting("inputs", ["frameImages": .array(frames)]) }
        if let a = request.aspectRatio {
            guard let (w, h) = Self.dimensions(aspectRatio: a, resolution: request.resolution) else {
                throw LLMError(
                    .invalidRequest,
                    "Runware takes width and height; cannot derive them from aspect ratio '\(a)' and resolution '\(request.resolution ?? "720p")' (set extra: [\"width\": W, \"height\": H])",
                    provider: provider)
            }
            input = input.setting("width", .int(w)).setting("height", .int(h))
        } else if let r = request.resolution {
            input = input.setting("resolution", .string(r))
        }
        for (k, v) in request.extra?.objectValue ?? [] { input = input.setting(k, v) }
        return try await submit(
            GenerationRequest(model: "\(provider)/\(model)", input: input), model: model, provider: provider, kit: kit)
    }

    func status(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        let call = try Self.call(kit, provider, [["taskType": "getResponse", "taskUUID": .string(nativeID)]])
        let id = "\(provider):\(nativeID)"
        do {
            return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
                Self.status(try FalJobs.json(try await kit.send(call), provider: provider), taskUUID: nativeID, id: id)
            }
        } catch {
            // A failed task can come back as an error answer whose `errors` name it.
            guard let status = error.statusCode, (400..<500).contains(status), ![401, 403, 429].contains(status),
                let body = error.body, let v = try? JSONValue(parsing: body),
                let reason = Self.error(v, taskUUID: nativeID)
            else { throw error }
            return JobStatus(id: id, state: .failed, error: reason)
        }
    }

    func cancel(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        throw LLMError(
            .unsupported,
            "Runware has no API to cancel a task; runware:\(nativeID) keeps running (its result expires on its own)",
            provider: provider)
    }

    // MARK: - Wire

    static func call(_ kit: LLMKit, _ provider: String, _ tasks: [JSONValue]) throws(LLMError) -> PreparedCall {
        kit.plainCall(
            try kit.endpoint(provider), model: "", path: "/v1", body: JSONWriter.bytes(.array(tasks)),
            errors: RunwareErrors.dialect)
    }

    /// The items of `taskUUID`: all `success` -> succeeded; any `processing` -> running (with the outputs so far);
    /// an `errors` item -> failed; nothing yet -> queued.
    static func status(_ v: JSONValue, taskUUID: String, id: String) -> JobStatus {
        if let reason = error(v, taskUUID: taskUUID) { return JobStatus(id: id, state: .failed, error: reason) }
        let items = (v["data"]?.arrayValue ?? []).filter { $0["taskUUID"]?.stringValue == taskUUID }
        guard !items.isEmpty else { return JobStatus(id: id, state: .queued) }
        var outputs: [MediaOutput] = []
        var pending = false
        for item in items {
            let url = item["videoURL"]?.stringValue ?? item["imageURL"]?.stringValue ?? item["audioURL"]?.stringValue
            if let url {
                outputs.append(MediaOutput(url: url, mimeType: JobMedia.mimeType(url)))
            } else if let b64 = item["imageBase64Data"]?.stringValue ?? item["imageDataURI"]?.stringValue {
                outputs.append(ReplicateJobs.output(b64.hasPrefix("data:") ? b64 : "data:image/png;base64," + b64))
            }
            let status = item["status"]?.stringValue
            if status == "processing" || (status == nil && url == nil) { pending = true }
        }
        return JobStatus(
            id: id, state: pending ? .running : .succeeded, progress: pending ? nil : 1, outputs: outputs)
    }

    /// `code: message` of the `errors` item about `taskUUID` (or of the only item when it names no task).
    static func error(_ v: JSONValue, taskUUID: String) -> String? {
        let errors = v["errors"]?.arrayValue ?? []
        // (`nil` is spelled out: JSONValue is ExpressibleByNilLiteral, a bare `nil` would become `.null`.)
        var match = errors.first { $0["taskUUID"]?.stringValue == taskUUID }
        if match == Optional<JSONValue>.none, errors.count == 1, errors[0]["taskUUID"] == Optional<JSONValue>.none {
            match = errors[0]
        }
        guard let e = match else { return nil }
        let message = e["message"]?.stringValue ?? "no message"
        guard let code = e["code"]?.stringValue else { return message }
        let lowered = code.lowercased()
        let moderated = lowered.contains("nsfw") || lowered.contains("safety") || lowered.contains("moderat")
        return moderated ? "safety filter (\(code)): \(message)" : "\(code): \(message)"
    }

    /// Width and height for an aspect ratio (`16:9`) at a resolution (`720p`, `1080p`; 720 by default): the short
    /// side is the resolution, the long side follows the ratio, both rounded to multiples of 8.
    package static func dimensions(aspectRatio: String, resolution: String?) -> (Int, Int)? {
        let parts = aspectRatio.split(separator: ":").compactMap { Double($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { return nil }
        var r = (resolution ?? "720p").lowercased()
        if r.hasSuffix("p") { r.removeLast() }
        let short: Double
        if r == "4k" { short = 2160 } else if let n = Double(r), n > 0 { short = n } else { return nil }
        let (w, h) = (parts[0], parts[1])
        func round8(_ x: Double) -> Int { Int((x / 8).rounded()) * 8 }
        return w >= h ? (round8(short * w / h), round8(short)) : (round8(short), round8(short * h / w))
    }
}

/// Runware errors: `{"errors": [{"code", "message", "parameter", "type", "taskType", "taskUUID", "documentation"}]}`
/// (https://runware.ai/docs/platform/errors, 2026-11-25).
enum RunwareErrors {
    static let dialect = NonChatErrors { e, json, context in
        guard let first = json["errors"]?.arrayValue?.first else { return }
        if let message = first["message"]?.stringValue, !message.isEmpty {
            e.message = message + (e.kind == .authentication ? context.keyVariable.map { " (check \($0))" } ?? "" : "")
        }
        if let code = first["code"]?.stringValue { e.providerCode = code }
        if let parameter = first["parameter"]?.stringValue { e.param = parameter }
    }
}
