@_spi(LLMKitInternal) import LLMKitCore

extension LLMKit {
    /// Translates speech into English text: OpenAI `POST /audio/translations` (whisper-1), or the same
    /// route on an OpenAI-compatible server (Groq's `whisper-large-v3`). The request's `language` is not
    /// sent (the target is always English; the source language is detected).
    public func translate(
        _ request: TranscriptionRequest, progress: (@Sendable (UploadProgress) -> Void)? = nil
    ) async throws(LLMError) -> Transcript {
        let id = try ModelID(parsing: request.model)
        let endpoint = try endpoint(id.provider)
        switch endpoint.info.wire {
        case .openAI, .openAICompatible: break
        default: throw unsupported(endpoint, "speech translation", use: "openai/whisper-1 or groq/whisper-large-v3")
        }
        return try await transcribeOpenAI(request, id: id, endpoint: endpoint, progress: progress, translate: true)
    }

    /// OpenAI `POST /audio/transcriptions` or `/audio/translations` (multipart), also on OpenAI-compatible servers.
    func transcribeOpenAI(
        _ request: TranscriptionRequest, id: ModelID, endpoint: Endpoint,
        progress: (@Sendable (UploadProgress) -> Void)?, translate: Bool = false
    ) async throws(LLMError) -> Transcript {
        let plan = try OpenAITranscription(request, id: id, translate: translate, stream: false)
        var call = plainCall(
            endpoint, model: id.model, path: plan.path, body: plan.form.bytes(), contentType: plan.form.contentType)
        call.uploadProgress = progress
        return try await retry.run { () async throws(LLMError) -> Transcript in
            try OpenAITranscription.read(try await send(call), id: id, warnings: plan.warnings)
        }
    }
}

/// The multipart form of one OpenAI transcription or translation, and the reading of its answers.
///
/// The response format follows the model: Whisper models (`whisper-1`, Groq's `whisper-large-v3*`)
/// answer `verbose_json` with word and segment timings; `gpt-4o-transcribe-diarize` answers
/// `diarized_json` (segments with a speaker label, `chunking_strategy=auto` as the API requires); the
/// other gpt-4o transcribe models answer `json` (text only). Translations ask for `json`.
struct OpenAITranscription {
    var form = MultipartForm()
    var path: String
    var warnings: [Warning] = []

    init(_ request: TranscriptionRequest, id: ModelID, translate: Bool, stream: Bool) throws(LLMError) {
        guard case .data(let bytes, let mime, let filename) = request.audio else {
            throw LLMError(
                .unsupported,
                "\(id.provider) transcription takes the audio as bytes, not a URL; download it first (LLMKit.download)",
                provider: id.provider)
        }
        path = translate ? "/audio/translations" : "/audio/transcriptions"
        let whisper = id.model.contains("whisper")
        let diarizing = id.model.contains("diarize")
        let ext = mime.split(separator: "/").last.map(String.init) ?? "wav"
        form.file("file", filename: filename ?? "audio.\(ext == "mpeg" ? "mp3" : ext)", contentType: mime, data: bytes)
        form.field("model", id.model)
        if translate {
            form.field("response_format", "json")
            if request.language != nil {
                warnings.append(
                    Warning(
                        code: "parameter_dropped",
                        message:
                            "translation detects the source language and always answers in English; language not sent"
                    ))
            }
        } else if diarizing {
            form.field("response_format", "diarized_json")
            form.field("chunking_strategy", "auto")
        } else if whisper {
            form.field("response_format", "verbose_json")
            form.field("timestamp_granularities[]", "word")
            form.field("timestamp_granularities[]", "segment")
        } else {
            form.field("response_format", "json")
        }
        if !translate, let l = request.language { form.field("language", l) }
        if stream { form.field("stream", "true") }
        if request.diarize && !diarizing {
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message: "\(id.model) does not label speakers; use openai/gpt-4o-transcribe-diarize"))
        }
        warnings += LLMKit.unhonoured(request, speakerCount: true, audioEvents: true)
        if request.utterances {
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message:
                        "utterances: \(id.provider) has no pause-based utterances (Whisper segments are in paragraphs)")
            )
        }
        if !request.keyterms.isEmpty {
            warnings.append(
                Warning(code: "parameter_dropped", message: "OpenAI transcription has no keyterms; not sent"))
        }
    }

    /// Whether the model streams `transcript.text.*` events (Whisper models ignore `stream`).
    static func streams(_ id: ModelID) -> Bool { !id.model.contains("whisper") }

    /// A `json`, `verbose_json` or `diarized_json` answer, or a streamed `transcript.text.done` event.
    static func read(
        _ t: JSONTape, id: ModelID, warnings: [Warning], segments streamed: [Transcript.Paragraph] = []
    ) throws(LLMError) -> Transcript {
        guard let text = t.member(t.root, "text").flatMap(t.string) else {
            throw LLMError(
                .decoding, "\(id.provider) answered without a transcript text; check the model id (\(id.model))",
                provider: id.provider)
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
        var paragraphs = streamed
        if let list = t.member(t.root, "segments") {
            t.forEachElement(list) { seg in paragraphs.append(segment(t, seg)) }
        }
        let requestID = t.member(t.root, "x_groq").flatMap { t.member($0, "id") }.flatMap(t.string)
        return Transcript(
            provider: id.provider, model: id.model, text: text.trimmedWhitespace,
            duration: t.member(t.root, "duration").flatMap(t.double), words: words, paragraphs: paragraphs,
            requestID: requestID, language: t.member(t.root, "language").flatMap(t.string), warnings: warnings)
    }

    /// A Whisper segment or a diarized `transcript.text.segment`.
    static func segment(_ t: JSONTape, _ seg: Int) -> Transcript.Paragraph {
        Transcript.Paragraph(
            text: (t.member(seg, "text").flatMap(t.string) ?? "").trimmedWhitespace,
            start: t.member(seg, "start").flatMap(t.double) ?? 0,
            end: t.member(seg, "end").flatMap(t.double) ?? 0,
            speaker: t.member(seg, "speaker").flatMap(t.string))
    }
}
