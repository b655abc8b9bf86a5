import LLMKitCore
import NIOHTTP1

/// Luma Dream Machine generations (lumalabs/lumaai-api `openapi.yaml` 1.1.0 at
/// 2520034b213e6c5214c11210d5cdedd1c026ee39; https://docs.lumalabs.ai/docs/api, 2026-11-25).
///
/// - Create: `POST {base}/generations/video` (Ray models) or `/generations/image` (Photon models, `photon-*`),
///   the routes lumalabs/lumaai-python uses; the answer is the `Generation` object.
/// - Status: `GET /generations/{id}`: `state` `queued` | `dreaming` | `completed` | `failed` with
///   `failure_reason`; outputs in `assets.video` / `assets.image`.
/// - Cancel: `DELETE /generations/{id}` (204): Luma deletes the generation; LLMKit reports it canceled.
/// - Job id: `luma:{generation id}`. Auth: `Authorization: Bearer $LUMAAI_API_KEY`.
package struct LumaJobs: JobBackend {
    /// `input` is the generation request without `model` (taken from the model id, e.g. `ray-2`, `photon-1`).
    func submit(_ request: GenerationRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        var body = request.input.objectValue ?? []
        body.removeAll { $0.key == "model" }
        body.insert(("model", .string(model)), at: 0)
        let path = model.hasPrefix("photon") ? "/generations/image" : "/generations/video"
        var call = try kit.jobCall(provider, path: path, method: .POST)
        call.body = JSONWriter.bytes(.object(body))
        return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
            try Self.status(try FalJobs.json(try await kit.send(call), provider: provider), provider: provider)
        }
    }

    /// `prompt`, `aspect_ratio`, `resolution` (`540p` … `4k`), `duration` (`"5s"`), `keyframes.frame0` /
    /// `frame1` (`{"type": "image", "url"}`: Luma takes image URLs only). Luma has no negative prompt or seed:
    /// those are not sent. `extra` sets or overrides anything else (e.g. `loop`, `concepts`).
    func submitVideo(_ request: VideoRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        var input: JSONValue = ["prompt": .string(request.prompt)]
        if let a = request.aspectRatio { input = input.setting("aspect_ratio", .string(a)) }
        if let r = request.resolution { input = input.setting("resolution", .string(r)) }
        if let d = request.durationSeconds {
            input = input.setting("duration", .string((d == d.rounded() ? String(Int(d)) : String(d)) + "s"))
        }
        var keyframes: [(key: String, value: JSONValue)] = []
        for (name, source) in [("frame0", request.image), ("frame1", request.lastFrame)] {
            guard let source else { continue }
            guard case .url(let url, _) = source else {
                throw LLMError(
                    .unsupported, "Luma takes keyframe images as URLs, not bytes (upload the image first)",
                    provider: provider)
            }
            keyframes.append((name, ["type": "image", "url": .string(url)]))
        }
        if !keyframes.isEmpty { input = input.setting("keyframes", .object(keyframes)) }
        for (k, v) in request.extra?.objectValue ?? [] { input = input.setting(k, v) }
        return try await submit(
            GenerationRequest(model: "\(provider)/\(model)", input: input), model: model, provider: provider, kit: kit)
    }

    func status(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        let call = try kit.jobCall(
            provider, path: "/generations/\(nativeID.addingPercentEncodingForPath)", method: .GET)
        return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
            try Self.status(try FalJobs.json(try await kit.send(call), provider: provider), provider: provider)
        }
    }

    func cancel(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        var call = try kit.jobCall(
            provider, path: "/generations/\(nativeID.addingPercentEncodingForPath)", method: .DELETE)
        call.body = []
        try await kit.retry.run { () async throws(LLMError) -> Void in
            let started = ContinuousClock.now
            let response = try await call.send(kit.transport)
            let body = try await LLMKit.collect(response, call: call, transport: kit.transport, started: started)
            guard (200..<300).contains(Int(response.status.code)) else {
                throw call.mapError(status: Int(response.status.code), headers: response.headers, body: body)
            }
        }
        return JobStatus(id: "\(provider):\(nativeID)", state: .canceled, error: "deleted at Luma")
    }

    /// A `Generation` object as a status.
    static func status(_ v: JSONValue, provider: String) throws(LLMError) -> JobStatus {
        guard let id = v["id"]?.stringValue else {
            throw LLMError(.decoding, "\(provider) answered without a generation id", provider: provider)
        }
        let state: JobState
        switch v["state"]?.stringValue {
        case "dreaming": state = .running
        case "completed": state = .succeeded
        case "failed": state = .failed
        default: state = .queued
        }
        var outputs: [MediaOutput] = []
        for key in ["video", "image"] {
            guard let url = v["assets"]?[key]?.stringValue else { continue }
            outputs.append(
                MediaOutput(url: url, mimeType: JobMedia.mimeType(url) ?? (key == "video" ? "video/mp4" : nil)))
        }
        var error = v["failure_reason"]?.stringValue
        if state == .failed {
            let reason = error ?? "no reason given"
            error = reason.lowercased().contains("moderation") ? "safety filter: \(reason)" : reason
        }
        return JobStatus(
            id: "\(provider):\(id)", state: state, progress: state == .succeeded ? 1 : nil,
            outputs: state == .succeeded ? outputs : [], error: error)
    }
}
