@_spi(LLMKitInternal) import LLMKitCore

/// Veo as long-running operations: on the Gemini API (`:predictLongRunning`, then `GET` of the
/// operation name) and on Vertex AI (`:predictLongRunning`, then `:fetchPredictOperation`). The job's
/// native id is the operation name. Sources: ai.google.dev/gemini-api/docs/video and
/// cloud.google.com/vertex-ai/generative-ai/docs/model-reference/veo-video-generation (2026-11-25),
/// and the recordings in Fixtures/media/google (SOURCE.md).
struct GoogleVideoJobs: JobBackend {
    /// Vertex project and location; nil on the Gemini API.
    var vertex: (project: String, location: String)?

    func submit(_ request: GenerationRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        // `input` is the body itself: {"instances": [...], "parameters": {...}}.
        try await start(body: request.input, model: model, provider: provider, kit: kit)
    }

    func submitVideo(_ request: VideoRequest, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        var instance: JSONValue = ["prompt": .string(request.prompt)]
        if let i = request.image { instance = instance.setting("image", try Self.image(i, provider: provider)) }
        if let l = request.lastFrame {
            instance = instance.setting("lastFrame", try Self.image(l, provider: provider))
        }
        var parameters: JSONValue = [:]
        if let a = request.aspectRatio { parameters = parameters.setting("aspectRatio", .string(a)) }
        if let d = request.durationSeconds {
            parameters = parameters.setting("durationSeconds", .int(Int(d.rounded())))
        }
        if let r = request.resolution { parameters = parameters.setting("resolution", .string(r)) }
        if let n = request.negativePrompt { parameters = parameters.setting("negativePrompt", .string(n)) }
        if let s = request.seed { parameters = parameters.setting("seed", .int(s)) }
        for (k, v) in request.extra?.objectValue ?? [] { parameters = parameters.setting(k, v) }
        var body: JSONValue = ["instances": [instance]]
        if parameters.objectValue?.isEmpty == false { body = body.setting("parameters", parameters) }
        return try await start(body: body, model: model, provider: provider, kit: kit)
    }

    /// An image as Veo takes it inline; a URL only as a Cloud Storage `gs://` URI on Vertex.
    static func image(_ source: MediaSource, provider: String) throws(LLMError) -> JSONValue {
        switch source {
        case .data(let bytes, let mime, _):
            return ["bytesBase64Encoded": .string(Base64.encode(bytes)), "mimeType": .string(mime)]
        case .url(let u, let mime) where u.hasPrefix("gs://"):
            return ["gcsUri": .string(u), "mimeType": .string(mime ?? "image/png")]
        case .url:
            throw LLMError(
                .invalidRequest, "Veo takes the first frame as bytes (or a gs:// URI on Vertex), not an http URL",
                provider: provider)
        }
    }

    private func modelPath(_ model: String) -> String {
        let m = model.addingPercentEncodingForPath
        if let v = vertex { return "/v1/projects/\(v.project)/locations/\(v.location)/publishers/google/models/\(m)" }
        return "/v1beta/models/\(m)"
    }

    private func start(body: JSONValue, model: String, provider: String, kit: LLMKit) async throws(LLMError)
        -> JobStatus
    {
        var call = try kit.jobCall(provider, path: modelPath(model) + ":predictLongRunning", method: .POST)
        call.body = JSONWriter.bytes(body)
        return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
            try Self.operation(try await kit.send(call), provider: provider)
        }
    }

    func status(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        var call: PreparedCall
        if vertex != nil {
            // projects/P/locations/L/publishers/google/models/M/operations/ID -> .../models/M:fetchPredictOperation
            guard let ops = nativeID.firstRange(of: "/operations/") else {
                throw LLMError(.invalidRequest, "not a Vertex operation name: \(nativeID)", provider: provider)
            }
            call = try kit.jobCall(
                provider, path: "/v1/" + nativeID[..<ops.lowerBound] + ":fetchPredictOperation", method: .POST)
            call.body = JSONWriter.bytes(["operationName": .string(nativeID)])
        } else {
            call = try kit.jobCall(provider, path: "/v1beta/" + nativeID, method: .GET)
        }
        let c = call
        return try await kit.retry.run { () async throws(LLMError) -> JobStatus in
            try Self.operation(try await kit.send(c), provider: provider)
        }
    }

    func cancel(nativeID: String, provider: String, kit: LLMKit) async throws(LLMError) -> JobStatus {
        throw LLMError(
            .unsupported,
            "Veo operations have no documented cancel; the job runs to its end (stop polling to ignore it)",
            provider: provider)
    }

    /// A long-running operation: `{name}` while it runs (no `done` key), `{name, done: true, response}` or
    /// `{..., error}` when it ends.
    static func operation(_ t: JSONTape, provider: String) throws(LLMError) -> JobStatus {
        let root = t.root
        guard let name = t.member(root, "name").flatMap(t.string) else {
            throw LLMError(
                .decoding, "\(provider) answered without an operation name: \(t.rawText(root).prefix(200))",
                provider: provider)
        }
        let id = "\(provider):\(name)"
        guard t.member(root, "done").flatMap(t.bool) == true else { return JobStatus(id: id, state: .running) }
        if let e = t.member(root, "error") {
            return JobStatus(id: id, state: .failed, error: Self.failure(t, e))
        }
        guard let response = t.member(root, "response") else {
            return JobStatus(id: id, state: .failed, error: "the operation ended without a response")
        }
        // Gemini API: response.generateVideoResponse.{generatedSamples, raiMediaFiltered*};
        // Vertex: response.{videos, raiMediaFiltered*}.
        let body = t.member(response, "generateVideoResponse") ?? response
        var outputs: [MediaOutput] = []
        if let samples = t.member(body, "generatedSamples") {
            t.forEachElement(samples) { s in
                if let uri = t.member(s, "video").flatMap({ t.member($0, "uri") }).flatMap(t.string) {
                    outputs.append(MediaOutput(url: uri, mimeType: "video/mp4"))
                }
            }
        }
        if let videos = t.member(body, "videos") {
            t.forEachElement(videos) { v in
                let mime = t.member(v, "mimeType").flatMap(t.string) ?? "video/mp4"
                if let b64 = t.member(v, "bytesBase64Encoded").flatMap(t.string), let bytes = Base64.decode(b64) {
                    outputs.append(MediaOutput(data: bytes, mimeType: mime))
                } else if let uri = t.member(v, "gcsUri").flatMap(t.string) {
                    outputs.append(MediaOutput(url: uri, mimeType: mime))
                }
            }
        }
        if outputs.isEmpty {
            var reasons: [String] = []
            if let list = t.member(body, "raiMediaFilteredReasons") {
                t.forEachElement(list) { r in if let s = t.string(r) { reasons.append(s) } }
            }
            let filtered = t.member(body, "raiMediaFilteredCount").flatMap(t.int) ?? 0
            guard filtered > 0 || !reasons.isEmpty else {
                return JobStatus(id: id, state: .failed, error: "the operation finished without a video")
            }
            // "safety filter" makes Job.wait() throw .contentFiltered.
            let count = filtered > 0 ? "\(filtered) video\(filtered == 1 ? "" : "s") removed" : "videos removed"
            let why = reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
            return JobStatus(id: id, state: .failed, error: "safety filter (\(count))\(why)")
        }
        return JobStatus(id: id, state: .succeeded, progress: 1, outputs: outputs)
    }

    /// A `google.rpc.Status` (`{code, message, details?}`) as a failure reason: `CODE_NAME (code): message`.
    /// A message from the Responsible AI filter is marked "safety filter" (so `Job.wait()` throws
    /// `.contentFiltered`).
    static func failure(_ t: JSONTape, _ e: Int) -> String {
        let code = t.member(e, "code").flatMap(t.int)
        let message = t.member(e, "message").flatMap(t.string) ?? t.rawText(e)
        var head = code.map { c in rpcCodes.indices.contains(c) ? "\(rpcCodes[c]) (\(c))" : "code \(c)" } ?? ""
        let lowered = message.lowercased()
        if lowered.contains("responsible ai") || lowered.contains("support codes")
            || lowered.contains("usage guidelines")
        {
            head = "safety filter" + (head.isEmpty ? "" : ", " + head)
        }
        return head.isEmpty ? message : head + ": " + message
    }

    /// google.rpc.Code names by number (https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto).
    static let rpcCodes = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]
}
