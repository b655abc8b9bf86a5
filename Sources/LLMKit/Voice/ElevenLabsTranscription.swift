@_spi(LLMKitInternal) import LLMKitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension LLMKit {
    /// ElevenLabs Scribe `POST /v1/speech-to-text` (multipart; https://elevenlabs.io/docs/api-reference/speech-to-text/convert,
    /// fields as elevenlabs-js 8710089 sends them). The answer is synchronous; see `ScribeTranscripts` for the mapping.
    func transcribeElevenLabs(_ request: TranscriptionRequest, id: ModelID, endpoint: Endpoint) async throws(LLMError)
        -> Transcript
    {
        let (form, warnings) = try ScribeTranscripts.form(request, model: id.model, provider: id.provider)
        let call = plainCall(
            endpoint, model: id.model, path: "/v1/speech-to-text", body: form.bytes(), contentType: form.contentType,
            errors: ElevenLabsErrors.dialect)
        return try await retry.run { () async throws(LLMError) -> Transcript in
            try ScribeTranscripts.read(
                try await send(call), provider: id.provider, model: id.model, audioEvents: request.audioEvents,
                paragraphs: request.paragraphs, warnings: warnings)
        }
    }
}

/// ElevenLabs Scribe request form and answer.
///
/// The answer's `words` interleave three entry types: `word` becomes a `Transcript.Word` (confidence is
/// `exp(logprob)`, `speaker_id` the speaker label), `spacing` (the whitespace between words) is dropped since
/// `text` already has it, and `audio_event` (`(laughter)`, only when `audioEvents` was asked for) becomes a
/// `Transcript.AudioEvent`, kept out of `words` so word lists stay speech only. Paragraphs are speaker turns
/// built from consecutive entries of one `speaker_id` (Scribe has no paragraphs of its own).
package enum ScribeTranscripts {
    static func form(_ request: TranscriptionRequest, model: String, provider: String) throws(LLMError) -> (
        MultipartForm, [Warning]
    ) {
        var warnings: [Warning] = []
        var form = MultipartForm()
        form.field("model_id", model)
        switch request.audio {
        case .data(let bytes, let mime, let filename):
            let ext = mime.split(separator: "/").last.map(String.init) ?? "wav"
            form.file(
                "file", filename: filename ?? "audio.\(ext == "mpeg" ? "mp3" : ext)", contentType: mime, data: bytes)
        case .url(let url, _):
            // `cloud_storage_url` is deprecated in favour of `source_url` (elevenlabs-python 54e5899 docstring).
            form.field("source_url", url)
        }
        if let l = request.language { form.field("language_code", l) }
        form.field("tag_audio_events", request.audioEvents ? "true" : "false")
        if let n = request.speakerCount {
            guard (1...32).contains(n) else {
                throw LLMError(
                    .invalidRequest, "ElevenLabs predicts 1 to 32 speakers; speakerCount was \(n)", provider: provider,
                    param: "speakerCount")
            }
            if request.diarize {
                form.field("num_speakers", String(n))
            } else {
                warnings.append(
                    Warning(code: "parameter_dropped", message: "speakerCount needs diarize; num_speakers not sent"))
            }
        }
        form.field("timestamps_granularity", "word")
        if request.diarize { form.field("diarize", "true") }
        for k in request.keyterms { form.field("keyterms", k) }
        if request.utterances {
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message: "utterances: Scribe has no pause-based utterances; use paragraphs for speaker turns"))
        }
        if !request.smartFormat {
            warnings.append(
                Warning(
                    code: "parameter_dropped",
                    message: "ElevenLabs Scribe always punctuates and capitalises; smartFormat=false is not honoured"))
        }
        return (form, warnings)
    }

    /// One entry of `words`, before it is sorted into words, spacing and audio events.
    struct Entry {
        var type: String
        var text: String
        var start: Double
        var end: Double
        var speaker: String?
        var logprob: Double?
    }

    package static func read(
        _ t: JSONTape, provider: String, model: String, audioEvents: Bool, paragraphs: Bool, warnings: [Warning]
    ) throws(LLMError) -> Transcript {
        var warnings = warnings
        var chunks: [Int] = []
        if let list = t.member(t.root, "transcripts") {
            // use_multi_channel with the default `separate` style: one transcript per channel.
            t.forEachElement(list) { chunks.append($0) }
            warnings.append(
                Warning(
                    code: "multichannel_merged",
                    message: "ElevenLabs answered one transcript per channel; LLMKit merged them in time order"))
        } else {
            chunks = [t.root]
        }
        var texts: [String] = []
        var entries: [Entry] = []
        for chunk in chunks {
            guard let text = t.member(chunk, "text").flatMap(t.string) else {
                throw LLMError(
                    .decoding, "\(provider) answered without a transcript text: \(t.rawText(t.root).prefix(200))",
                    provider: provider)
            }
            texts.append(text)
            if let list = t.member(chunk, "words") {
                t.forEachElement(list) { w in
                    entries.append(
                        Entry(
                            type: t.member(w, "type").flatMap(t.string) ?? "word",
                            text: t.member(w, "text").flatMap(t.string) ?? "",
                            start: t.member(w, "start").flatMap(t.double) ?? 0,
                            end: t.member(w, "end").flatMap(t.double) ?? 0,
                            speaker: t.member(w, "speaker_id").flatMap(t.string),
                            logprob: t.member(w, "logprob").flatMap(t.double)))
                }
            }
        }
        if chunks.count > 1 {
            entries = entries.enumerated().sorted { a, b in
                a.element.start == b.element.start ? a.offset < b.offset : a.element.start < b.element.start
            }.map(\.element)
        }
        var words: [Transcript.Word] = []
        var events: [Transcript.AudioEvent] = []
        for e in entries {
            switch e.type {
            case "spacing":
                continue
            case "audio_event":
                events.append(Transcript.AudioEvent(text: e.text, start: e.start, end: e.end, speaker: e.speaker))
            default:
                words.append(
                    Transcript.Word(
                        word: e.text, start: e.start, end: e.end, confidence: e.logprob.map { exp($0) },
                        speaker: e.speaker))
            }
        }
        let first = chunks[0]
        return Transcript(
            provider: provider, model: model, text: texts.joined(separator: "\n"),
            duration: t.member(t.root, "audio_duration_secs").flatMap(t.double), words: words,
            paragraphs: paragraphs ? turns(entries) : [],
            requestID: t.member(t.root, "transcription_id").flatMap(t.string)
                ?? t.member(first, "transcription_id").flatMap(t.string),
            language: t.member(first, "language_code").flatMap(t.string),
            languageConfidence: t.member(first, "language_probability").flatMap(t.double),
            audioEvents: audioEvents || !events.isEmpty ? events : nil, warnings: warnings)
    }

    /// Speaker turns: consecutive words and events of one speaker, with the spacing between them.
    static func turns(_ entries: [Entry]) -> [Transcript.Paragraph] {
        var out: [Transcript.Paragraph] = []
        for e in entries {
            if e.type == "spacing" {
                if !out.isEmpty { out[out.count - 1].text += e.text }
            } else if let last = out.last, last.speaker == e.speaker {
                out[out.count - 1].text += e.text
                out[out.count - 1].end = max(last.end, e.end)
            } else {
                out.append(Transcript.Paragraph(text: e.text, start: e.start, end: e.end, speaker: e.speaker))
            }
        }
        return out.map {
            Transcript.Paragraph(text: $0.text.trimmedWhitespace, start: $0.start, end: $0.end, speaker: $0.speaker)
        }
    }
}
