@_spi(LLMKitInternal) import LLMKitCore

extension LLMKit {
    /// Transcribes a recording.
    ///
    /// - Deepgram: pre-recorded `POST /v1/listen` (options as query parameters; the body is the audio, or
    ///   `{"url"}`), words with confidences and speakers, paragraphs.
    /// - OpenAI, and OpenAI-compatible servers that serve `/audio/transcriptions` (Groq's Whisper, local
    ///   servers): multipart; Whisper models with word and segment timings, `gpt-4o-transcribe-diarize`
    ///   with speaker segments, the other gpt-4o transcribe models text only.
    /// - ElevenLabs Scribe (`/v1/speech-to-text`) and AssemblyAI (an async transcript, polled until done).
    ///
    /// `progress` is called as the audio is uploaded (for long files); it is not called for a URL.
    public func transcribe(
        _ request: TranscriptionRequest, progress: (@Sendable (UploadProgress) -> Void)? = nil
    ) async throws(LLMError) -> Transcript {
        let id = try ModelID(parsing: request.model)
        let endpoint = try endpoint(id.provider)
        switch endpoint.info.wire {
        case .openAI, .openAICompatible:
            return try await transcribeOpenAI(request, id: id, endpoint: endpoint, progress: progress)
        case .elevenlabs: return try await transcribeElevenLabs(request, id: id, endpoint: endpoint)
        case .assemblyAI: return try await transcribeAssemblyAI(request, id: id, endpoint: endpoint)
        case .deepgram: return try await transcribeDeepgram(request, id: id, endpoint: endpoint, progress: progress)
        default:
            throw unsupported(
                endpoint, "transcription",
                use:
                    "deepgram/nova-3, openai/gpt-4o-transcribe, groq/whisper-large-v3-turbo, elevenlabs/scribe_v2 or assemblyai/universal-3-pro"
            )
        }
    }

    /// Deepgram pre-recorded `POST /v1/listen`.
    func transcribeDeepgram(
        _ request: TranscriptionRequest, id: ModelID, endpoint: Endpoint,
        progress: (@Sendable (UploadProgress) -> Void)?
    ) async throws(LLMError) -> Transcript {
        var query = ["model=\(id.model.addingPercentEncodingForPath)"]
        if request.smartFormat { query.append("smart_format=true") }
        if request.diarize { query.append("diarize=true") }
        if request.paragraphs { query.append("paragraphs=true") }
        if request.utterances { query.append("utterances=true") }
        if let l = request.language { query.append("language=\(l.addingPercentEncodingForPath)") }
        for k in request.keyterms { query.append("keyterm=\(k.addingPercentEncodingForPath)") }
        let path = "/v1/listen?" + query.joined(separator: "&")
        let call: PreparedCall
        switch request.audio {
        case .data(let bytes, let mime, _):
            var c = plainCall(endpoint, model: id.model, path: path, body: bytes, contentType: mime)
            c.uploadProgress = progress
            call = c
        case .url(let url, _):
            call = plainCall(endpoint, model: id.model, path: path, body: JSONWriter.bytes(["url": .string(url)]))
        }
        let warnings = Self.unhonoured(request, speakerCount: true, audioEvents: true)
        return try await retry.run { () async throws(LLMError) -> Transcript in
            var t = try DeepgramTranscripts.read(try await send(call), provider: id.provider, model: id.model)
            t.warnings = warnings
            return t
        }
    }

    /// Warnings for the request options a provider has no parameter for.
    static func unhonoured(_ request: TranscriptionRequest, speakerCount: Bool, audioEvents: Bool) -> [Warning] {
        var warnings: [Warning] = []
        if speakerCount, request.speakerCount != nil {
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message: "speakerCount: this provider finds the number of speakers itself; not sent"))
        }
        if audioEvents, request.audioEvents {
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message:
                        "audioEvents: this provider does not tag non-speech sounds (use elevenlabs/scribe_v2); not sent"
                ))
        }
        return warnings
    }
}

/// Deepgram `/v1/listen` results to `Transcript` (first channel, first alternative).
package enum DeepgramTranscripts {
    /// The `words` of an alternative (pre-recorded and live results share the shape).
    static func words(_ t: JSONTape, _ alt: Int) -> [Transcript.Word] {
        var words: [Transcript.Word] = []
        if let list = t.member(alt, "words") {
            t.forEachElement(list) { w in
                words.append(
                    Transcript.Word(
                        word: t.member(w, "word").flatMap(t.string) ?? "",
                        punctuated: t.member(w, "punctuated_word").flatMap(t.string),
                        start: t.member(w, "start").flatMap(t.double) ?? 0,
                        end: t.member(w, "end").flatMap(t.double) ?? 0,
                        confidence: t.member(w, "confidence").flatMap(t.double),
                        speaker: t.member(w, "speaker").flatMap(t.int).map(String.init)))
            }
        }
        return words
    }

    /// `results.utterances` (`utterances=true`): `transcript`, `start`, `end`, `speaker` when diarizing.
    package static func utterances(_ t: JSONTape, _ results: Int) -> [Transcript.Paragraph] {
        var list: [Transcript.Paragraph] = []
        if let items = t.member(results, "utterances") {
            t.forEachElement(items) { u in
                list.append(
                    Transcript.Paragraph(
                        text: t.member(u, "transcript").flatMap(t.string) ?? "",
                        start: t.member(u, "start").flatMap(t.double) ?? 0,
                        end: t.member(u, "end").flatMap(t.double) ?? 0,
                        speaker: t.member(u, "speaker").flatMap(t.int).map(String.init)))
            }
        }
        return list
    }

    package static func read(_ t: JSONTape, provider: String, model: String) throws(LLMError) -> Transcript {
        guard let results = t.member(t.root, "results"), let channels = t.member(results, "channels"),
            let channel = t.firstElement(channels), let alternatives = t.member(channel, "alternatives"),
            let alt = t.firstElement(alternatives)
        else {
            throw LLMError(
                .decoding, "\(provider) answered without results.channels[0].alternatives[0]", provider: provider)
        }
        let words = Self.words(t, alt)
        var paragraphs: [Transcript.Paragraph] = []
        if let p = t.member(alt, "paragraphs"), let list = t.member(p, "paragraphs") {
            t.forEachElement(list) { para in
                var sentences: [String] = []
                if let s = t.member(para, "sentences") {
                    t.forEachElement(s) { x in
                        if let text = t.member(x, "text").flatMap(t.string) { sentences.append(text) }
                    }
                }
                paragraphs.append(
                    Transcript.Paragraph(
                        text: sentences.joined(separator: " "), start: t.member(para, "start").flatMap(t.double) ?? 0,
                        end: t.member(para, "end").flatMap(t.double) ?? 0,
                        speaker: t.member(para, "speaker").flatMap(t.int).map(String.init)))
            }
        }
        let metadata = t.member(t.root, "metadata")
        let utterances = Self.utterances(t, results)
        return Transcript(
            provider: provider, model: model, text: t.member(alt, "transcript").flatMap(t.string) ?? "",
            confidence: t.member(alt, "confidence").flatMap(t.double),
            duration: metadata.flatMap { t.member($0, "duration") }.flatMap(t.double), words: words,
            paragraphs: paragraphs, utterances: utterances,
            requestID: metadata.flatMap { t.member($0, "request_id") }.flatMap(t.string))
    }
}
