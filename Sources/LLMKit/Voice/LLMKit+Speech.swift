import AsyncHTTPClient
@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

extension LLMKit {
    /// Synthesizes `request.text` and returns the whole audio: ElevenLabs `POST /v1/text-to-speech/{voice_id}`,
    /// OpenAI `POST /audio/speech`, Deepgram Aura `POST /v1/speak`, Gemini TTS `:generateContent` (Gemini API and
    /// Vertex AI). Other providers, and formats a provider does not offer, throw `unsupported`. To play or save
    /// audio while it arrives, use `speakStream`.
    public func speak(_ request: SpeechRequest) async throws(LLMError) -> SpeechAudio {
        let plan = try speechPlan(request, mode: .whole)
        switch plan.decoding {
        case .raw: break
        case .openAISSE: return try await speakStream(request).collect()
        case .gemini(let output):
            return try await retry.run { () async throws(LLMError) -> SpeechAudio in
                let t = try await send(plan.call)
                let piece = try GeminiSpeech.piece(t, provider: plan.provider)
                guard !piece.bytes.isEmpty else {
                    throw GeminiSpeech.noAudio(piece, provider: plan.provider, model: plan.model)
                }
                var audio = plan.audio([], headers: HTTPHeaders())
                audio.audio = GeminiSpeech.finish(
                    piece.bytes, rate: piece.rate, output: output, warnings: &audio.warnings)
                audio.usage = piece.usage
                return audio
            }
        }
        let transport = self.transport
        return try await retry.run { () async throws(LLMError) -> SpeechAudio in
            let started = ContinuousClock.now
            let response = try await plan.call.send(transport)
            let body = try await Self.collect(response, call: plan.call, transport: transport, started: started)
            guard (200..<300).contains(Int(response.status.code)) else {
                throw plan.call.mapError(status: Int(response.status.code), headers: response.headers, body: body)
            }
            return plan.audio(body, headers: response.headers)
        }
    }

    /// Streams the audio of `request.text` as it is synthesized (ElevenLabs `/stream`, OpenAI and Deepgram
    /// chunked bodies): each element is the bytes of one network read, in order; concatenated they are the file.
    /// OpenAI with `includeUsage` (Server-Sent Events) and Gemini (`:streamGenerateContent?alt=sse`) deliver the
    /// decoded audio of each event; Gemini WAV arrives as one chunk at the end (the header needs the length), PCM
    /// and G.711 as they come.
    /// The request is sent when iteration starts; cancelling the consuming task, or dropping the iterator,
    /// closes the connection.
    public func speakStream(_ request: SpeechRequest) -> SpeechStream {
        SpeechStream(kit: self, request: request)
    }

    /// ElevenLabs `POST /v1/text-to-speech/{voice_id}/with-timestamps`: the audio (sent as base64 in JSON) with
    /// per-character timings of the text as given (`alignment`) and as normalized (`normalizedAlignment`).
    /// Other providers throw `unsupported`.
    public func speakWithTimestamps(_ request: SpeechRequest) async throws(LLMError) -> SpeechAudio {
        let plan = try speechPlan(request, mode: .timestamps)
        return try await retry.run { () async throws(LLMError) -> SpeechAudio in
            let t = try await send(plan.call)
            guard let encoded = t.member(t.root, "audio_base64").flatMap(t.string) else {
                throw LLMError(
                    .decoding, "\(plan.provider) answered without audio_base64", provider: plan.provider)
            }
            guard let bytes = Base64.decode(encoded) else {
                throw LLMError(
                    .decoding, "\(plan.provider) answered with audio_base64 that is not base64", provider: plan.provider
                )
            }
            var audio = plan.audio(bytes, headers: HTTPHeaders())
            audio.mimeType = plan.format.mimeType
            if let i = t.member(t.root, "alignment") {
                audio.alignment = try Self.alignment(t, i, provider: plan.provider)
            }
            if let i = t.member(t.root, "normalized_alignment") {
                audio.normalizedAlignment = try Self.alignment(t, i, provider: plan.provider)
            }
            return audio
        }
    }

    /// The voices of `provider`: ElevenLabs `GET /v1/voices` (premade and the account's own); for OpenAI the
    /// built-in voices the API reference lists, for Gemini and Vertex the 30 prebuilt voices of Google's
    /// speech-generation guide, with their character as `description` (no request is made for either). Other
    /// providers throw `unsupported`.
    public func voices(provider: String) async throws(LLMError) -> [Voice] {
        if let info = providerInfo(provider), info.wire == .openAI {
            return Self.openAIVoices.map { Voice(id: $0, name: $0, category: "premade") }
        }
        if let info = providerInfo(provider), info.wire == .gemini || info.wire == .vertex {
            return GeminiSpeech.voices.map {
                Voice(id: $0.name, name: $0.name, category: "premade", description: $0.character)
            }
        }
        let endpoint = try endpoint(provider)
        guard Self.speechWire(endpoint) == .elevenLabs else {
            throw unsupported(endpoint, "voice listing", use: "elevenlabs, openai or gemini")
        }
        let call = plainCall(
            endpoint, model: "", path: "/v1/voices", method: .GET, body: [], errors: ElevenLabsErrors.dialect)
        return try await retry.run { () async throws(LLMError) -> [Voice] in
            let t = try await send(call)
            guard let list = t.member(t.root, "voices") else {
                throw LLMError(.decoding, "\(provider) answered without voices", provider: provider)
            }
            var voices: [Voice] = []
            t.forEachElement(list) { v in
                var labels: [String: String] = [:]
                if let l = t.member(v, "labels") {
                    t.forEachMember(l) { k, value in
                        if let key = t.string(k), let s = t.string(value) { labels[key] = s }
                    }
                }
                voices.append(
                    Voice(
                        id: t.member(v, "voice_id").flatMap(t.string) ?? "",
                        name: t.member(v, "name").flatMap(t.string) ?? "",
                        category: t.member(v, "category").flatMap(t.string),
                        description: t.member(v, "description").flatMap(t.string), labels: labels,
                        previewURL: t.member(v, "preview_url").flatMap(t.string)))
            }
            return voices
        }
    }

    /// OpenAI's built-in voices, as listed in the API reference (`CreateSpeechRequest.voice`, openai/openai-openapi
    /// `openapi.json` @ f85dbe223d40e1a31cba812ab2d755c7e98a92a3).
    static let openAIVoices = [
        "alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse", "marin",
        "cedar",
    ]

    static func alignment(_ t: JSONTape, _ i: Int, provider: String) throws(LLMError) -> SpeechAlignment? {
        if t.isNull(i) { return nil }
        var characters: [String] = []
        var starts: [Double] = []
        var ends: [Double] = []
        if let c = t.member(i, "characters") { t.forEachElement(c) { characters.append(t.string($0) ?? "") } }
        if let s = t.member(i, "character_start_times_seconds") {
            t.forEachElement(s) { starts.append(t.double($0) ?? 0) }
        }
        if let e = t.member(i, "character_end_times_seconds") { t.forEachElement(e) { ends.append(t.double($0) ?? 0) } }
        guard characters.count == starts.count, characters.count == ends.count else {
            throw LLMError(
                .decoding,
                "\(provider) answered with an alignment of \(characters.count) characters but \(starts.count) start and \(ends.count) end times",
                provider: provider)
        }
        return SpeechAlignment(
            characters: characters.indices.map {
                SpeechAlignment.Character(character: characters[$0], start: starts[$0], end: ends[$0])
            })
    }
}

// MARK: - Building the request

/// The speech APIs LLMKit speaks.
enum SpeechWire {
    case openAI, elevenLabs, deepgram, gemini
}

/// How a speech answer's body becomes audio.
enum SpeechDecoding: Sendable, Hashable {
    /// The body is the audio.
    case raw
    /// OpenAI `stream_format: "sse"`: `speech.audio.delta` {audio} events, then `speech.audio.done` {usage}.
    case openAISSE
    /// Gemini `generateContent` JSON (or its SSE events) with `inlineData` audio.
    case gemini(GeminiSpeech.Output)
}

/// Which endpoint of a speech API to call.
enum SpeechMode {
    case whole, stream, timestamps
}

/// A prepared speech call and what the answer will be.
struct SpeechPlan: Sendable {
    var call: PreparedCall
    var provider: String
    var model: String
    var format: AudioFormat
    var warnings: [Warning]
    var decoding = SpeechDecoding.raw

    /// The audio answer with the metadata the provider put in headers.
    func audio(_ bytes: [UInt8], headers: HTTPHeaders) -> SpeechAudio {
        let type = headers.first(name: "content-type").flatMap { $0.isEmpty ? nil : $0 }
        return SpeechAudio(
            provider: provider, model: model, audio: bytes, format: format,
            mimeType: type.flatMap { $0.hasPrefix("audio/") ? $0 : nil } ?? format.mimeType,
            requestID: headers.first(name: "dg-request-id") ?? headers.requestID,
            characters: (headers.first(name: "character-cost") ?? headers.first(name: "dg-char-count")).flatMap {
                Int($0.trimmedWhitespace)
            },
            warnings: warnings)
    }
}

extension LLMKit {
    /// The speech API of an endpoint.
    static func speechWire(_ endpoint: Endpoint) -> SpeechWire? {
        switch endpoint.info.wire {
        case .openAI: return .openAI
        case .deepgram: return .deepgram
        case .elevenlabs: return .elevenLabs
        case .gemini, .vertex: return .gemini
        default: return nil
        }
    }

    /// Resolves the provider, maps the format and builds the call; `unsupported` for what the provider lacks.
    func speechPlan(_ request: SpeechRequest, mode: SpeechMode) throws(LLMError) -> SpeechPlan {
        let id = try ModelID(parsing: request.model)
        let endpoint = try endpoint(id.provider)
        guard let wire = Self.speechWire(endpoint) else {
            throw unsupported(
                endpoint, "text-to-speech",
                use:
                    "elevenlabs/eleven_multilingual_v2, openai/gpt-4o-mini-tts, deepgram/aura-2-thalia-en or gemini/gemini-2.5-flash-preview-tts"
            )
        }
        if mode == .timestamps, wire != .elevenLabs {
            throw unsupported(endpoint, "speech-with-timestamps", use: "elevenlabs/eleven_multilingual_v2")
        }
        var warnings: [Warning] = []
        func drop(_ what: String, _ why: String) {
            warnings.append(Warning(code: "parameter_dropped", message: "\(what): \(why); not sent"))
        }
        let name = endpoint.info.displayName
        let path: String
        var body: [UInt8] = []
        var decoding = SpeechDecoding.raw
        switch wire {
        case .elevenLabs:
            guard let voice = request.voice, !voice.isEmpty else {
                throw LLMError(
                    .invalidRequest,
                    "ElevenLabs needs a voice id (SpeechRequest.voice; `llmkit voices --provider elevenlabs` lists them)",
                    provider: id.provider)
            }
            let format = try Self.elevenLabsFormat(request.format, provider: id.provider)
            let suffix = mode == .stream ? "/stream" : mode == .timestamps ? "/with-timestamps" : ""
            path = "/v1/text-to-speech/\(voice.addingPercentEncodingForPath)\(suffix)?output_format=\(format)"
            var o: [(key: String, value: JSONValue)] = [
                ("text", .string(request.text)), ("model_id", .string(id.model)),
            ]
            var settings = request.voiceSettings ?? VoiceSettings()
            if let speed = request.speed {
                if settings.speed == nil {
                    settings.speed = speed
                } else {
                    drop("speed", "voiceSettings.speed is set and wins")
                }
            }
            var s: [(key: String, value: JSONValue)] = []
            if let v = settings.stability { s.append(("stability", .double(v))) }
            if let v = settings.similarityBoost { s.append(("similarity_boost", .double(v))) }
            if let v = settings.style { s.append(("style", .double(v))) }
            if let v = settings.useSpeakerBoost { s.append(("use_speaker_boost", .bool(v))) }
            if let v = settings.speed { s.append(("speed", .double(v))) }
            if !s.isEmpty { o.append(("voice_settings", .object(s))) }
            if let l = request.language { o.append(("language_code", .string(l))) }
            if let seed = request.seed { o.append(("seed", .int(seed))) }
            if request.instructions != nil { drop("instructions", "ElevenLabs has no instructions parameter") }
            body = JSONWriter.bytes(.object(o))
        case .openAI:
            guard let voice = request.voice, !voice.isEmpty else {
                throw LLMError(
                    .invalidRequest,
                    "OpenAI needs a voice (\(Self.openAIVoices.joined(separator: ", ")))", provider: id.provider)
            }
            let format = try Self.openAIFormat(request.format, provider: id.provider)
            path = "/audio/speech"
            var o: [(key: String, value: JSONValue)] = [
                ("model", .string(id.model)), ("input", .string(request.text)), ("voice", .string(voice)),
            ]
            if let i = request.instructions { o.append(("instructions", .string(i))) }
            o.append(("response_format", .string(format)))
            if let s = request.speed { o.append(("speed", .double(s))) }
            if request.includeUsage == true {
                // tts-1 and tts-1-hd answer only raw audio (CreateSpeechRequest.stream_format).
                if id.model.lowercased().hasPrefix("tts-1") {
                    warnings.append(
                        Warning(
                            code: "usage_unavailable",
                            message:
                                "\(id.model) reports no usage (it cannot stream Server-Sent Events); use gpt-4o-mini-tts for usage"
                        ))
                } else {
                    o.append(("stream_format", "sse"))
                    decoding = .openAISSE
                }
            }
            if request.voiceSettings != nil { drop("voiceSettings", "they are ElevenLabs settings") }
            if request.language != nil { drop("language", "OpenAI speech has no language parameter") }
            if request.seed != nil { drop("seed", "OpenAI speech has no seed") }
            body = JSONWriter.bytes(.object(o))
        case .deepgram:
            var query = ["model=\(id.model.addingPercentEncodingForPath)"]
            query += Self.deepgramFormat(request.format)
            path = "/v1/speak?" + query.joined(separator: "&")
            body = JSONWriter.bytes(["text": .string(request.text)])
            if request.voice != nil { drop("voice", "a Deepgram Aura model names its voice (aura-2-thalia-en)") }
            if request.instructions != nil { drop("instructions", "\(name) has no instructions parameter") }
            if request.speed != nil { drop("speed", "not sent to \(name) by LLMKit") }
            if request.voiceSettings != nil { drop("voiceSettings", "they are ElevenLabs settings") }
            if request.language != nil { drop("language", "the Aura model fixes the language") }
            if request.seed != nil { drop("seed", "\(name) has no seed") }
        case .gemini:
            let (json, output, dropped) = try GeminiSpeech.body(
                request, model: id.model, stream: mode == .stream, provider: id.provider)
            warnings += dropped
            path =
                Self.googleModelPath(endpoint, model: id.model)
                + (mode == .stream ? ":streamGenerateContent?alt=sse" : ":generateContent")
            body = JSONWriter.bytes(json)
            decoding = .gemini(output)
        }
        let errors: any ChatDialect =
            switch wire {
            case .elevenLabs: ElevenLabsErrors.dialect
            case .gemini: GeminiDialect(vertex: nil)  // Google error bodies, API_KEY_INVALID as authentication
            default: OpenAIChatDialect(quirks: CompatibleQuirks())
            }
        var call = plainCall(endpoint, model: id.model, path: path, body: body, errors: errors)
        switch (decoding, mode) {
        case (.raw, .whole), (.raw, .stream): call.headers.replaceOrAdd(name: "accept", value: "*/*")
        case (.openAISSE, _), (.gemini, .stream): call.headers.replaceOrAdd(name: "accept", value: "text/event-stream")
        default: break
        }
        return SpeechPlan(
            call: call, provider: id.provider, model: id.model, format: request.format, warnings: warnings,
            decoding: decoding)
    }

    /// ElevenLabs `output_format` values (elevenlabs/elevenlabs-js `TextToSpeechConvertRequestOutputFormat` @
    /// 87100890798f961a1b93300e9bb443dc35b5de6a).
    static let elevenLabsFormats: Set<String> = [
        "alaw_8000", "mp3_22050_32", "mp3_24000_48", "mp3_44100_32", "mp3_44100_64", "mp3_44100_96", "mp3_44100_128",
        "mp3_44100_192", "opus_48000_32", "opus_48000_64", "opus_48000_96", "opus_48000_128", "opus_48000_192",
        "pcm_8000", "pcm_16000", "pcm_22050", "pcm_24000", "pcm_32000", "pcm_44100", "pcm_48000", "ulaw_8000",
        "wav_8000", "wav_16000", "wav_22050", "wav_24000", "wav_32000", "wav_44100", "wav_48000",
    ]

    /// `codec_rate[_kbps]`; defaults: MP3 44.1 kHz at 128 kb/s (the API's default), Opus 48 kHz at 64 kb/s, WAV 24 kHz.
    static func elevenLabsFormat(_ format: AudioFormat, provider: String) throws(LLMError) -> String {
        let name: String
        switch format {
        case .mp3(let rate, let bitrate):
            let r = rate ?? 44100
            let fallback = r == 22050 ? 32 : r == 24000 ? 48 : 128
            name = "mp3_\(r)_\(bitrate.map { $0 / 1000 } ?? fallback)"
        case .opus(let rate, let bitrate): name = "opus_\(rate ?? 48000)_\(bitrate.map { $0 / 1000 } ?? 64)"
        case .wav(let rate): name = "wav_\(rate ?? 24000)"
        case .pcm16(let rate): name = "pcm_\(rate)"
        case .mulaw(let rate): name = "ulaw_\(rate)"
        case .alaw(let rate): name = "alaw_\(rate)"
        case .aac, .flac:
            throw LLMError(
                .unsupported,
                "ElevenLabs offers no \(format.fileExtension.uppercased()) output; it offers mp3, opus, wav, pcm, ulaw and alaw",
                provider: provider)
        }
        guard elevenLabsFormats.contains(name) else {
            throw LLMError(
                .unsupported,
                "ElevenLabs offers no output format \(name); it offers \(elevenLabsFormats.sorted().joined(separator: ", "))",
                provider: provider)
        }
        return name
    }

    /// OpenAI `response_format`: mp3, opus, aac, flac, wav, or pcm (24 kHz 16-bit little-endian); rates and
    /// bitrates are OpenAI's own and cannot be chosen.
    static func openAIFormat(_ format: AudioFormat, provider: String) throws(LLMError) -> String {
        switch format {
        case .mp3(nil, nil): return "mp3"
        case .opus(nil, nil): return "opus"
        case .aac: return "aac"
        case .flac(nil): return "flac"
        case .wav(nil): return "wav"
        case .pcm16(24000): return "pcm"
        case .mp3, .opus, .flac, .wav:
            throw LLMError(
                .unsupported,
                "OpenAI speech chooses the sample rate and bitrate itself; ask for .\(format.fileExtension == "ogg" ? "opus" : format.fileExtension)() without them",
                provider: provider)
        case .pcm16(let rate):
            throw LLMError(
                .unsupported,
                "OpenAI speech sends PCM at 24000 Hz only, not \(rate) Hz; ask for .pcm16(sampleRate: 24000)",
                provider: provider)
        case .mulaw, .alaw:
            throw LLMError(
                .unsupported,
                "OpenAI speech offers mp3, opus, aac, flac, wav and pcm, not \(format.fileExtension); use elevenlabs or deepgram for G.711",
                provider: provider)
        }
    }

    /// Deepgram `/v1/speak` query items (`encoding`, `container`, `sample_rate`, `bit_rate`). Deepgram checks
    /// the combination (its "Audio Format Combinations" table) and answers 400 for one it does not offer.
    static func deepgramFormat(_ format: AudioFormat) -> [String] {
        func rate(_ r: Int?) -> [String] { r.map { ["sample_rate=\($0)"] } ?? [] }
        func bits(_ b: Int?) -> [String] { b.map { ["bit_rate=\($0)"] } ?? [] }
        switch format {
        case .mp3(let r, let b): return ["encoding=mp3"] + rate(r) + bits(b)
        case .opus(let r, let b): return ["encoding=opus"] + rate(r) + bits(b)
        case .aac: return ["encoding=aac"]
        case .flac(let r): return ["encoding=flac"] + rate(r)
        case .wav(let r): return ["encoding=linear16", "container=wav"] + rate(r)
        case .pcm16(let r): return ["encoding=linear16", "container=none"] + rate(r)
        case .mulaw(let r): return ["encoding=mulaw", "container=none"] + rate(r)
        case .alaw(let r): return ["encoding=alaw", "container=none"] + rate(r)
        }
    }
}

/// ElevenLabs errors: `{"detail":{"status":"...","message":"..."}}` (help.elevenlabs.io "API - Error Code 400 or
/// 401"); the shared mapping reads the rest. `quota_exceeded` (sent with 401) is a billing limit, not a bad key.
enum ElevenLabsErrors {
    static let dialect = NonChatErrors { e, json, context in
        guard let detail = json["detail"], case .object = detail else { return }
        let code = detail["status"]?.stringValue
        if let message = detail["message"]?.stringValue, !message.isEmpty {
            e.message = message
            if e.kind == .authentication, code != "quota_exceeded", let v = context.keyVariable {
                e.message += " (check \(v))"
            }
        }
        e.providerCode = code ?? e.providerCode
        if code == "quota_exceeded" {
            e.kind = .permissionDenied
            e.message += " (the account's quota is used up; retrying will not help)"
            e.retryAfter = nil
        }
    }
}
