@_spi(LLMKitInternal) import LLMKitCore

extension LLMKit {
    /// AssemblyAI pre-recorded transcription, a job (https://www.assemblyai.com/docs/api-reference/transcripts/submit):
    /// audio bytes are first uploaded (`POST /v2/upload`, raw body, answer `{"upload_url"}`), a URL is passed as is;
    /// `POST /v2/transcript` submits, then `GET /v2/transcript/{id}` is polled (`PollBackoff`, each poll retried per
    /// the client's `RetryPolicy`) until `status` is `completed` or `error`.
    func transcribeAssemblyAI(_ request: TranscriptionRequest, id: ModelID, endpoint: Endpoint) async throws(LLMError)
        -> Transcript
    {
        let audioURL: String
        switch request.audio {
        case .url(let url, _):
            audioURL = url
        case .data(let bytes, _, _):
            let upload = plainCall(
                endpoint, model: id.model, path: "/v2/upload", body: bytes, contentType: "application/octet-stream")
            audioURL = try await retry.run { () async throws(LLMError) -> String in
                let t = try await send(upload)
                guard let url = t.member(t.root, "upload_url").flatMap(t.string) else {
                    throw LLMError(
                        .decoding,
                        "\(id.provider) answered the upload without upload_url: \(t.rawText(t.root).prefix(200))",
                        provider: id.provider)
                }
                return url
            }
        }
        let (body, warnings) = AssemblyAITranscripts.body(request, model: id.model, audioURL: audioURL)
        let submit = plainCall(endpoint, model: id.model, path: "/v2/transcript", body: JSONWriter.bytes(body))
        let submitted = try await retry.run { () async throws(LLMError) -> (String, Transcript?) in
            let t = try await send(submit)
            let status = try AssemblyAITranscripts.read(
                t, id: nil, provider: id.provider, model: id.model, warnings: warnings)
            return (status.id, status.transcript)
        }
        if let done = submitted.1 { return done }
        return try await pollAssemblyAI(
            submitted.0, endpoint: endpoint, model: id.model, warnings: warnings, pollFirst: false,
            timeout: request.timeout, pollInterval: request.pollInterval)
    }

    /// Waits for an AssemblyAI transcript submitted earlier, e.g. after `transcribe` threw `.timeout`: that error's
    /// `requestID` (and a finished `Transcript.requestID`) is the transcript id. Polls at once, then as `transcribe`
    /// does. `provider` is `assemblyai` or another provider id with AssemblyAI's wire (an EU row, say).
    public func transcript(
        id: String, provider: String = "assemblyai", timeout: Duration = .seconds(1800),
        pollInterval: Duration = .seconds(1)
    ) async throws(LLMError) -> Transcript {
        let endpoint = try endpoint(provider)
        guard endpoint.info.wire == .assemblyAI else {
            throw unsupported(endpoint, "transcript lookup", use: "assemblyai (transcript ids come from its jobs)")
        }
        return try await pollAssemblyAI(
            id, endpoint: endpoint, model: "", warnings: [], pollFirst: true, timeout: timeout,
            pollInterval: pollInterval)
    }

    func pollAssemblyAI(
        _ transcriptID: String, endpoint: Endpoint, model: String, warnings: [Warning], pollFirst: Bool,
        timeout: Duration, pollInterval: Duration
    ) async throws(LLMError) -> Transcript {
        let provider = endpoint.info.id
        let call = plainCall(
            endpoint, model: model, path: "/v2/transcript/\(transcriptID.addingPercentEncodingForPath)", method: .GET,
            body: [])
        var backoff = PollBackoff(
            interval: pollInterval, maxInterval: .seconds(5), deadline: ContinuousClock.now + timeout)
        var skipWait = pollFirst
        while true {
            if !skipWait {
                try await backoff.sleep(
                    provider: provider, requestID: transcriptID,
                    timedOut:
                        "AssemblyAI transcript \(transcriptID) is not done after the wait timeout; resume with LLMKit.transcript(id: \"\(transcriptID)\", provider: \"\(provider)\")",
                    cancelled: "waiting for AssemblyAI transcript \(transcriptID) was cancelled (it keeps running)")
            }
            skipWait = false
            let done = try await retry.run { () async throws(LLMError) -> Transcript? in
                try AssemblyAITranscripts.read(
                    try await send(call), id: transcriptID, provider: provider, model: model, warnings: warnings
                ).transcript
            }
            if let done { return done }
        }
    }
}

/// AssemblyAI `/v2/transcript` request body and answers (openapi.yml of AssemblyAI/assemblyai-api-spec 3fcf678).
package enum AssemblyAITranscripts {
    /// The submit body. `speech_models` is the current, required field (the singular `speech_model` is deprecated
    /// and kept only for the legacy `best`, as @ai-sdk/assemblyai does). No language turns on `language_detection`,
    /// since AssemblyAI would otherwise assume `en_us`.
    static func body(_ request: TranscriptionRequest, model: String, audioURL: String) -> (JSONValue, [Warning]) {
        var warnings: [Warning] = []
        func drop(_ message: String) { warnings.append(Warning(code: "parameter_dropped", message: message)) }
        var body: [(key: String, value: JSONValue)] = [("audio_url", .string(audioURL))]
        if model == "best" {
            body.append(("speech_model", .string(model)))
        } else {
            body.append(("speech_models", .array([.string(model)])))
        }
        if let l = request.language {
            body.append(("language_code", .string(languageCode(l))))
        } else {
            body.append(("language_detection", .bool(true)))
        }
        body.append(("punctuate", .bool(request.smartFormat)))
        body.append(("format_text", .bool(request.smartFormat)))
        if request.diarize {
            body.append(("speaker_labels", .bool(true)))
            if let n = request.speakerCount { body.append(("speakers_expected", .int(n))) }
        } else if request.speakerCount != nil {
            drop("speakerCount needs diarize; speakers_expected not sent")
        }
        if !request.keyterms.isEmpty {
            body.append(("keyterms_prompt", .array(request.keyterms.map { .string($0) })))
        }
        if request.paragraphs && !request.diarize {
            drop("AssemblyAI paragraphs come from speaker turns (utterances); set diarize to get them")
        }
        if request.utterances {
            drop("utterances: AssemblyAI's utterances are speaker turns, in paragraphs with diarize")
        }
        if request.audioEvents {
            drop("AssemblyAI has no audio-event switch (Universal-3 Pro tags events in the text itself)")
        }
        return (.object(body), warnings)
    }

    /// BCP-47 to AssemblyAI's codes: lower case with `_` (`en-US` -> `en_us`); `en-GB` is `en_uk` there.
    static func languageCode(_ bcp47: String) -> String {
        let code = bcp47.lowercased().replacing("-", with: "_")
        return code == "en_gb" ? "en_uk" : code
    }

    /// A transcript answer: its id, and the `Transcript` once `completed` (nil while `queued` or `processing`).
    /// `error` throws with AssemblyAI's reason. `id` is the transcript polled, if known (the answer's own wins).
    package static func read(
        _ t: JSONTape, id known: String?, provider: String, model: String, warnings: [Warning]
    ) throws(LLMError) -> (id: String, transcript: Transcript?) {
        let root = t.root
        guard let id = t.member(root, "id").flatMap(t.string) ?? known,
            let status = t.member(root, "status").flatMap(t.string)
        else {
            throw LLMError(
                .decoding, "\(provider) answered without a transcript id and status: \(t.rawText(root).prefix(200))",
                provider: provider)
        }
        switch status {
        case "completed":
            break
        case "error":
            let reason = t.member(root, "error").flatMap(t.string) ?? "no reason given"
            let lowered = reason.lowercased()
            let server = lowered.contains("server error") || lowered.contains("internal")
            var message = "AssemblyAI could not transcribe \(id): \(reason)"
            if lowered.contains("download") {
                message += " (the audio URL must be publicly reachable; or pass the audio as bytes to upload it)"
            } else if server {
                message += " (submit the audio again)"
            }
            throw LLMError(
                server ? .server : .invalidRequest, message, provider: provider, requestID: id, providerCode: status)
        default:
            return (id, nil)  // queued, processing, or a state this version does not know: keep polling
        }
        func seconds(_ i: Int?) -> Double { i.flatMap(t.double).map { $0 / 1000 } ?? 0 }
        var words: [Transcript.Word] = []
        if let list = t.member(root, "words") {
            t.forEachElement(list) { w in
                words.append(
                    Transcript.Word(
                        word: t.member(w, "text").flatMap(t.string) ?? "", start: seconds(t.member(w, "start")),
                        end: seconds(t.member(w, "end")), confidence: t.member(w, "confidence").flatMap(t.double),
                        speaker: t.member(w, "speaker").flatMap(t.string)))
            }
        }
        var paragraphs: [Transcript.Paragraph] = []
        if let list = t.member(root, "utterances") {
            t.forEachElement(list) { u in
                paragraphs.append(
                    Transcript.Paragraph(
                        text: t.member(u, "text").flatMap(t.string) ?? "", start: seconds(t.member(u, "start")),
                        end: seconds(t.member(u, "end")), speaker: t.member(u, "speaker").flatMap(t.string)))
            }
        }
        var used = t.member(root, "speech_model_used").flatMap(t.string)
        if used == nil, model.isEmpty {
            used =
                t.member(root, "speech_models").flatMap(t.firstElement).flatMap(t.string)
                ?? t.member(root, "speech_model").flatMap(t.string)
        }
        return (
            id,
            Transcript(
                provider: provider, model: used ?? model, text: t.member(root, "text").flatMap(t.string) ?? "",
                confidence: t.member(root, "confidence").flatMap(t.double),
                duration: t.member(root, "audio_duration").flatMap(t.double), words: words, paragraphs: paragraphs,
                requestID: id, language: t.member(root, "language_code").flatMap(t.string),
                languageConfidence: t.member(root, "language_confidence").flatMap(t.double), warnings: warnings)
        )
    }
}
