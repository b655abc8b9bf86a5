import LLMKitCore

extension LLMKit {
    /// Transcribes a recording: Deepgram pre-recorded `POST /v1/listen` (options as query parameters;
    /// the body is the audio, or `{"url"}`), or OpenAI `/audio/transcriptions` (multipart; whisper-1 with
    /// word and segment timings, gpt-4o transcribe models text only). Other providers throw `unsupported`.
    public func transcribe(_ request: TranscriptionRequest) async throws(LLMError) -> Transcript {
        let id = try ModelID(parsing: request.model)
        let endpoint = try endpoint(id.provider)
        if endpoint.info.wire == .openAI { return try await transcribeOpenAI(request, id: id, endpoint: endpoint) }
        guard endpoint.info.wire == .deepgram else {
            throw unsupported(endpoint, "transcription", use: "deepgram/nova-3 or openai/whisper-1")
        }
        var query = ["model=\(id.model.addingPercentEncodingForPath)"]
        if request.smartFormat { query.append("smart_format=true") }
        if request.diarize { query.append("diarize=true") }
        if request.paragraphs { query.append("paragraphs=true") }
        if let l = request.language { query.append("language=\(l.addingPercentEncodingForPath)") }
        for k in request.keyterms { query.append("keyterm=\(k.addingPercentEncodingForPath)") }
        let path = "/v1/listen?" + query.joined(separator: "&")
        let call: PreparedCall
        switch request.audio {
        case .data(let bytes, let mime, _):
            call = plainCall(endpoint, model: id.model, path: path, body: bytes, contentType: mime)
        case .url(let url, _):
            call = plainCall(endpoint, model: id.model, path: path, body: JSONWriter.bytes(["url": .string(url)]))
        }
        return try await retry.run { () async throws(LLMError) -> Transcript in
            try DeepgramTranscripts.read(try await send(call), provider: id.provider, model: id.model)
        }
    }
}

extension LLMKit {
    /// OpenAI `POST /audio/transcriptions` (multipart): `verbose_json` with word and segment timings for
    /// whisper-1, `json` for the gpt-4o transcribe models (which have no timings).
    func transcribeOpenAI(_ request: TranscriptionRequest, id: ModelID, endpoint: Endpoint) async throws(LLMError)
        -> Transcript
    {
        guard case .data(let bytes, let mime, let filename) = request.audio else {
            throw LLMError(
                .unsupported, "OpenAI transcription takes the audio as bytes, not a URL", provider: id.provider)
        }
        var warnings: [Warning] = []
        if request.diarize {
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message:
                        "diarization needs gpt-4o-transcribe-diarize's diarized_json, which LLMKit does not read yet"))
        }
        if !request.keyterms.isEmpty {
            warnings.append(
                Warning(code: "parameter_dropped", message: "OpenAI transcription has no keyterms; not sent"))
        }
        let verbose = id.model.hasPrefix("whisper")
        var form = MultipartForm()
        let ext = mime.split(separator: "/").last.map(String.init) ?? "wav"
        form.file("file", filename: filename ?? "audio.\(ext == "mpeg" ? "mp3" : ext)", contentType: mime, data: bytes)
        form.field("model", id.model)
        form.field("response_format", verbose ? "verbose_json" : "json")
        if verbose {
            form.field("timestamp_granularities[]", "word")
            form.field("timestamp_granularities[]", "segment")
        }
        if let l = request.language { form.field("language", l) }
        let path = "/audio/transcriptions"
        let call = plainCall(endpoint, model: id.model, path: path, body: form.bytes(), contentType: form.contentType)
        let found = warnings
        return try await retry.run { () async throws(LLMError) -> Transcript in
            let t = try await send(call)
            guard let text = t.member(t.root, "text").flatMap(t.string) else {
                throw LLMError(.decoding, "\(id.provider) answered without text", provider: id.provider)
            }
            var words: [Transcript.Word] = []
            if let list = t.member(t.root, "words") {
                t.forEachElement(list) { w in
                    words.append(
                        Transcript.Word(
                            word: t.member(w, "word").flatMap(t.string) ?? "",
                            start: t.member(w, "start").flatMap(t.double) ?? 0,
                            end: t.member(w, "end").flatMap(t.double) ?? 0))
                }
            }
            var paragraphs: [Transcript.Paragraph] = []
            if let list = t.member(t.root, "segments") {
                t.forEachElement(list) { seg in
                    paragraphs.append(
                        Transcript.Paragraph(
                            text: (t.member(seg, "text").flatMap(t.string) ?? "").trimmedWhitespace,
                            start: t.member(seg, "start").flatMap(t.double) ?? 0,
                            end: t.member(seg, "end").flatMap(t.double) ?? 0))
                }
            }
            return Transcript(
                provider: id.provider, model: id.model, text: text,
                duration: t.member(t.root, "duration").flatMap(t.double), words: words, paragraphs: paragraphs,
                language: t.member(t.root, "language").flatMap(t.string), warnings: found)
        }
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
        return Transcript(
            provider: provider, model: model, text: t.member(alt, "transcript").flatMap(t.string) ?? "",
            confidence: t.member(alt, "confidence").flatMap(t.double),
            duration: metadata.flatMap { t.member($0, "duration") }.flatMap(t.double), words: words,
            paragraphs: paragraphs, requestID: metadata.flatMap { t.member($0, "request_id") }.flatMap(t.string))
    }
}
