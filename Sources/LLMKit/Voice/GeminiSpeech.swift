@_spi(LLMKitInternal) import LLMKitCore

/// Gemini text to speech on the Gemini API (`gemini/...`) and Vertex AI (`vertex/...`): `POST …/models/{model}:
/// generateContent` (`:streamGenerateContent?alt=sse` for `speakStream`) with `generationConfig.responseModalities:
/// ["AUDIO"]`; the audio arrives base64 in `candidates[0].content.parts[].inlineData`
/// (https://ai.google.dev/gemini-api/docs/generate-content/speech-generation, accessed 2026-11-25). Two request
/// shapes, chosen by model:
///
/// - Earlier models (`gemini-2.5-flash-preview-tts`, `gemini-2.5-pro-preview-tts`, `gemini-3.1-flash-tts-preview`;
///   on Vertex `gemini-2.5-flash-tts`, `gemini-2.5-pro-tts`): the voice as `prebuiltVoiceConfig.voiceName`, the style
///   written into the text ("Say cheerfully: Have a wonderful day!"), and headerless 16-bit PCM at 24 kHz back
///   (`audio/L16;codec=pcm;rate=24000`).
/// - Gemini 3.8 TTS and later (`gemini-3.8-flash-tts`, `gemini-3.8-flash-lite-tts`): the text verbatim with the
///   style in `parts[].speech_metadata.style`, the voice as `voiceConfig.voice` (a prebuilt name or a designed
///   `voice_...` id), and the encoding chosen with `generationConfig.responseFormat.audio {mimeType, sampleRate}`
///   (`AUDIO_WAV`, `AUDIO_L16`, `AUDIO_MULAW`, `AUDIO_ALAW`); LLMKit always names it, since the default differs
///   between unary (WAV) and streamed (L16) calls.
///
/// Paths: Gemini API `/v1beta/models/{model}`, Vertex `/v1/projects/{p}/locations/{l}/publishers/google/models/{model}`.
/// Multi-speaker dialogue (`multiSpeakerVoiceConfig`) is not expressed by `SpeechRequest` and not sent.
enum GeminiSpeech {
    /// True for Gemini 3.8 TTS and later models (structured style, `voiceConfig.voice`, `responseFormat`).
    static func isStructured(_ model: String) -> Bool {
        let m = model.lowercased()
        return
            !(m.hasPrefix("gemini-2") || m.hasPrefix("gemini-3-") || m.hasPrefix("gemini-3.0")
            || m.hasPrefix("gemini-3.1"))
    }

    /// What the answer's audio becomes: `format`, made from 16-bit PCM (a WAV file's samples are taken out of it)
    /// or G.711 bytes passed through.
    struct Output: Sendable, Hashable {
        var format: AudioFormat
        /// WAV was asked for: LLMKit writes the header over the PCM (so a stream delivers the file at its end).
        var wrapWAV: Bool
    }

    /// The prebuilt voices of the Gemini TTS models, with the character Google gives each ("Voice options" table of
    /// https://ai.google.dev/gemini-api/docs/generate-content/speech-generation, accessed 2026-11-25).
    static let voices: [(name: String, character: String)] = [
        ("Zephyr", "Bright"), ("Puck", "Upbeat"), ("Charon", "Informative"), ("Kore", "Firm"), ("Fenrir", "Excitable"),
        ("Leda", "Youthful"), ("Orus", "Firm"), ("Aoede", "Breezy"), ("Callirrhoe", "Easy-going"),
        ("Autonoe", "Bright"), ("Enceladus", "Breathy"), ("Iapetus", "Clear"), ("Umbriel", "Easy-going"),
        ("Algieba", "Smooth"), ("Despina", "Smooth"), ("Erinome", "Clear"), ("Algenib", "Gravelly"),
        ("Rasalgethi", "Informative"), ("Laomedeia", "Upbeat"), ("Achernar", "Soft"), ("Alnilam", "Firm"),
        ("Schedar", "Even"), ("Gacrux", "Mature"), ("Pulcherrima", "Forward"), ("Achird", "Friendly"),
        ("Zubenelgenubi", "Casual"), ("Vindemiatrix", "Gentle"), ("Sadachbia", "Lively"),
        ("Sadaltager", "Knowledgeable"), ("Sulafat", "Warm"),
    ]

    /// The request body, the audio LLMKit will produce, and warnings for what has no place on the wire.
    static func body(_ request: SpeechRequest, model: String, stream: Bool, provider: String) throws(LLMError) -> (
        JSONValue, Output, [Warning]
    ) {
        guard let voice = request.voice, !voice.isEmpty else {
            throw LLMError(
                .invalidRequest,
                "Gemini TTS needs a voice (SpeechRequest.voice), e.g. Kore or Puck; voices(provider: \"\(provider)\") lists the 30 prebuilt voices",
                provider: provider)
        }
        var warnings: [Warning] = []
        func drop(_ what: String, _ why: String) {
            warnings.append(Warning(code: "parameter_dropped", message: "\(what): \(why); not sent"))
        }
        if request.speed != nil { drop("speed", "Gemini TTS has no speed; ask for the pace in instructions") }
        if request.voiceSettings != nil { drop("voiceSettings", "they are ElevenLabs settings") }
        if request.language != nil { drop("language", "Gemini TTS detects the language of the text") }
        if request.seed != nil { drop("seed", "not sent to Gemini TTS by LLMKit") }
        let structured = isStructured(model)
        let output: Output
        var part: [(key: String, value: JSONValue)]
        var config: [(key: String, value: JSONValue)] = [("responseModalities", ["AUDIO"])]
        if structured {
            var audio: [(key: String, value: JSONValue)]
            switch request.format {
            case .wav(let rate):
                // A stream sends PCM chunks; LLMKit writes the WAV header once it has them all.
                audio = [("mimeType", .string(stream ? "AUDIO_L16" : "AUDIO_WAV"))]
                audio.append(("sampleRate", .int(rate ?? 24000)))
                output = Output(format: request.format, wrapWAV: true)
            case .pcm16(let rate):
                audio = [("mimeType", "AUDIO_L16"), ("sampleRate", .int(rate))]
                output = Output(format: request.format, wrapWAV: false)
            case .mulaw(let rate):
                audio = [("mimeType", "AUDIO_MULAW"), ("sampleRate", .int(rate))]
                output = Output(format: request.format, wrapWAV: false)
            case .alaw(let rate):
                audio = [("mimeType", "AUDIO_ALAW"), ("sampleRate", .int(rate))]
                output = Output(format: request.format, wrapWAV: false)
            case .mp3, .opus, .aac, .flac:
                throw LLMError(
                    .unsupported,
                    "\(model) offers WAV, 16-bit PCM, mu-law and A-law, not \(request.format.fileExtension); ask for .wav(), .pcm16(sampleRate: 24000), .mulaw() or .alaw()",
                    provider: provider)
            }
            part = [("text", .string(request.text))]
            if let style = request.instructions, !style.isEmpty {
                part.append(("speech_metadata", ["style": .string(style)]))
            }
            config.append(("responseFormat", ["audio": .object(audio)]))
            config.append(("speechConfig", ["voiceConfig": ["voice": .string(voice)]]))
        } else {
            switch request.format {
            case .pcm16(24000): output = Output(format: request.format, wrapWAV: false)
            case .wav(nil), .wav(24000): output = Output(format: request.format, wrapWAV: true)
            default:
                throw LLMError(
                    .unsupported,
                    "\(model) answers with 16-bit PCM at 24000 Hz only; ask for .pcm16(sampleRate: 24000) or .wav() (LLMKit adds the header), or use gemini-3.8-flash-tts for mu-law and A-law",
                    provider: provider)
            }
            var text = request.text
            if let style = request.instructions?.trimmedWhitespace, !style.isEmpty {
                // Google's documented form: "Say cheerfully: Have a wonderful day!"
                text = style.hasSuffix(":") ? "\(style) \(text)" : "\(style): \(text)"
            }
            part = [("text", .string(text))]
            config.append(("speechConfig", ["voiceConfig": ["prebuiltVoiceConfig": ["voiceName": .string(voice)]]]))
        }
        let body: JSONValue = [
            "contents": [["role": "user", "parts": [.object(part)]]], "generationConfig": .object(config),
        ]
        return (body, output, warnings)
    }

    /// The audio, usage and finish reason of one answer (or of one streamed event).
    struct Piece {
        /// 16-bit PCM (WAV files unwrapped) or G.711 bytes, in order.
        var bytes: [UInt8] = []
        /// The sample rate a part named (`rate=` of `audio/L16`, or the WAV header's).
        var rate: Int?
        var usage: Usage?
        var finish: String?
        var finishMessage: String?
        var text = ""
    }

    /// Reads `inlineData` parts (strict base64), usage and the finish reason; a blocked prompt is `.contentFiltered`.
    static func piece(_ t: JSONTape, provider: String) throws(LLMError) -> Piece {
        let root = t.root
        if let block = t.member(root, "promptFeedback").flatMap({ t.member($0, "blockReason") }).flatMap(t.string) {
            throw LLMError(
                .contentFiltered, "\(provider) blocked the text (\(block)); rephrase it", provider: provider,
                providerCode: block)
        }
        var p = Piece()
        var parts: [Int] = []
        if let candidates = t.member(root, "candidates") {
            var first: Int?
            t.forEachElement(candidates) { if first == nil { first = $0 } }
            if let c = first {
                p.finish = t.member(c, "finishReason").flatMap(t.string)
                p.finishMessage = t.member(c, "finishMessage").flatMap(t.string)
                if let list = t.member(c, "content").flatMap({ t.member($0, "parts") }) {
                    t.forEachElement(list) { parts.append($0) }
                }
            }
        }
        for part in parts {
            if let s = t.member(part, "text").flatMap(t.string) { p.text += s }
            guard let inline = t.member(part, "inlineData"), let b64 = t.member(inline, "data").flatMap(t.string)
            else { continue }
            guard let bytes = Base64.decode(b64) else {
                throw LLMError(
                    .decoding, "\(provider) answered with audio that is not valid base64 (\(b64.count) characters)",
                    provider: provider)
            }
            let mime = (t.member(inline, "mimeType").flatMap(t.string) ?? "").lowercased()
            if mime.hasPrefix("audio/wav") || mime.hasPrefix("audio/x-wav") {
                do {
                    let wav = try WAVAudio(parsing: bytes)
                    p.bytes += wav.pcm16
                    p.rate = wav.sampleRate
                } catch {
                    throw LLMError(
                        .decoding, "\(provider) answered with a WAV file LLMKit cannot read: \(error)",
                        provider: provider)
                }
            } else {
                p.bytes += bytes
                for item in mime.split(separator: ";") {
                    let kv = String(item).trimmedWhitespace
                    if kv.hasPrefix("rate=") { p.rate = Int(kv.dropFirst(5)) }
                }
            }
        }
        if let u = t.member(root, "usageMetadata") {
            let thoughts = t.member(u, "thoughtsTokenCount").flatMap(t.int)
            p.usage = Usage(
                inputTokens: t.member(u, "promptTokenCount").flatMap(t.int) ?? 0,
                outputTokens: (t.member(u, "candidatesTokenCount").flatMap(t.int) ?? 0) + (thoughts ?? 0),
                reasoningTokens: thoughts)
        }
        return p
    }

    /// The error for an answer that carried no audio.
    static func noAudio(_ p: Piece, provider: String, model: String) -> LLMError {
        let detail = [p.finish.map { "finishReason \($0)" }, p.finishMessage].compactMap { $0 }.joined(separator: ": ")
        if let f = p.finish, GoogleImages.filteredReasons.contains(f) {
            return LLMError(
                .contentFiltered, "\(provider) withheld the audio (\(detail)); rephrase the text", provider: provider,
                providerCode: f)
        }
        return LLMError(
            .invalidRequest,
            "\(provider) answered without audio\(detail.isEmpty ? "" : " (\(detail))")\(p.text.isEmpty ? "" : ": \(p.text.prefix(200))"); check that \(model) is a TTS model and retry",
            provider: provider, providerCode: p.finish)
    }

    /// The bytes in the requested format: PCM wrapped in a WAV header when asked, a warning when the provider's
    /// sample rate differs from the one asked for.
    static func finish(_ pcm: [UInt8], rate: Int?, output: Output, warnings: inout [Warning]) -> [UInt8] {
        let asked: Int? =
            switch output.format {
            case .wav(let r): r ?? 24000
            case .pcm16(let r), .mulaw(let r), .alaw(let r): r
            default: nil
            }
        if let rate, let asked, rate != asked {
            warnings.append(
                Warning(code: "sample_rate_changed", message: "the audio came at \(rate) Hz, not \(asked) Hz"))
        }
        guard output.wrapWAV else { return pcm }
        return WAVAudio(sampleRate: rate ?? asked ?? 24000, channels: 1, pcm16: pcm).fileBytes
    }

}

extension LLMKit {
    /// The Gemini or Vertex path prefix for `model`.
    static func googleModelPath(_ endpoint: Endpoint, model: String) -> String {
        let m = model.addingPercentEncodingForPath
        if case .vertex(let c) = endpoint.auth {
            return "/v1/projects/\(c.project)/locations/\(c.location)/publishers/google/models/\(m)"
        }
        return "/v1beta/models/\(m)"
    }
}
