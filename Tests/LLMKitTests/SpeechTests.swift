import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import NIOConcurrencyHelpers
import Testing

/// Text to speech against the loopback server. JSON answers are the vendors' documented examples
/// (Fixtures/voice/tts-*/SOURCE.md); audio bytes are opaque to LLMKit, so audio answers are byte sequences the
/// tests generate and compare byte for byte.
@Suite("Text to speech")
struct SpeechTests {
    /// `count` bytes from a seeded generator: every byte value occurs, and no two runs of a test differ.
    static func audio(_ count: Int, seed: UInt64 = 42) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    static func client(_ provider: String, _ server: LoopbackServer, key: String = "test-key", path: String = "")
        -> LLMKit
    {
        LLMKit(
            providers: [provider: ProviderSettings(apiKey: key, baseURL: server.baseURL + path)], environment: [:],
            retry: .none)
    }

    static let voiceID = "21m00Tcm4TlvDq8ikWAM"

    @Test("ElevenLabs: path, output_format, xi-api-key and every body field; the audio and headers read back")
    func elevenLabsRequest() async throws {
        let served = Self.audio(3000)
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "audio/pcm"), ("request-id", "req-el-1"), ("character-cost", "41")],
                body: served)
        ]) { server in
            let r = try await Self.client("elevenlabs", server).speak(
                SpeechRequest(
                    model: "elevenlabs/eleven_flash_v2_5", text: "This is a test for the API of ElevenLabs.",
                    voice: Self.voiceID, format: .pcm16(sampleRate: 16000), speed: 1.1,
                    voiceSettings: VoiceSettings(
                        stability: 0.5, similarityBoost: 0.75, style: 0.25, useSpeakerBoost: true),
                    language: "en", seed: 12345))
            let req = try #require(server.requests.first)
            #expect(req.method == "POST")
            #expect(req.uri == "/v1/text-to-speech/\(Self.voiceID)?output_format=pcm_16000")
            #expect(req.header("xi-api-key") == "test-key")
            #expect(req.header("authorization") == nil)
            #expect(req.header("content-type") == "application/json")
            let body = try #require(req.json)
            #expect(body.objectValue?.map(\.key) == ["text", "model_id", "voice_settings", "language_code", "seed"])
            #expect(body["text"] == "This is a test for the API of ElevenLabs.")
            #expect(body["model_id"] == "eleven_flash_v2_5")
            #expect(body["language_code"] == "en")
            #expect(body["seed"]?.intValue == 12345)
            let settings = try #require(body["voice_settings"])
            #expect(
                settings.objectValue?.map(\.key) == [
                    "stability", "similarity_boost", "style", "use_speaker_boost", "speed",
                ])
            #expect(settings["stability"]?.doubleValue == 0.5)
            #expect(settings["similarity_boost"]?.doubleValue == 0.75)
            #expect(settings["style"]?.doubleValue == 0.25)
            #expect(settings["use_speaker_boost"]?.boolValue == true)
            #expect(settings["speed"]?.doubleValue == 1.1)
            #expect(r.audio == served)
            #expect(r.format == .pcm16(sampleRate: 16000))
            #expect(r.mimeType == "audio/pcm")
            #expect(r.requestID == "req-el-1")
            #expect(r.characters == 41)
            #expect(r.provider == "elevenlabs")
            #expect(r.model == "eleven_flash_v2_5")
            #expect(r.warnings.isEmpty)
        }
    }

    @Test("ElevenLabs stream: /stream, audio delivered in 1-7 byte writes arrives whole and in order")
    func elevenLabsStream() async throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        let served = Self.audio(4000, seed: seed)
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "audio/mpeg"), ("request-id", "req-el-2")], body: served,
                delivery: .randomSplits(seed: seed))
        ]) { server in
            let stream = Self.client("elevenlabs", server).speakStream(
                SpeechRequest(
                    model: "elevenlabs/eleven_multilingual_v2", text: "Hello", voice: Self.voiceID,
                    format: .mp3(sampleRate: 22050, bitrate: 32000)))
            var got: [UInt8] = []
            var chunks = 0
            var iterator = stream.makeAsyncIterator()
            while let chunk = try await iterator.next() {
                #expect(!chunk.isEmpty)
                got += chunk
                chunks += 1
            }
            #expect(got == served, "split seed \(seed)")
            #expect(chunks > 1, "split seed \(seed): the audio should arrive in several reads")
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1/text-to-speech/\(Self.voiceID)/stream?output_format=mp3_22050_32")
            #expect(req.json == ["text": "Hello", "model_id": "eleven_multilingual_v2"])
            let meta = try #require(iterator.audio(got))
            #expect(meta.requestID == "req-el-2")
            #expect(meta.mimeType == "audio/mpeg")
            #expect(meta.audio == served)
        }
    }

    @Test("ElevenLabs with-timestamps: audio decoded from base64, alignment and normalized alignment complete")
    func timestamps() async throws {
        let fixture = Fixture.json("voice/tts-elevenlabs/with-timestamps.json")
        let placeholder = try #require(fixture["audio_base64"]?.stringValue)
        // The documented example carries a placeholder for the audio; the second answer carries real base64
        // of generated bytes in its place (the rest of the example unchanged).
        let served = Self.audio(777)
        let substituted = fixture.setting("audio_base64", .string(Base64.encode(served)))
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "application/json")],
                body: Fixture.bytes("voice/tts-elevenlabs/with-timestamps.json")),
            CannedResponse(
                headers: [("content-type", "application/json")], body: Array(JSONWriter.string(substituted).utf8),
                delivery: .randomSplits(seed: 3)),
        ]) { server in
            let llm = Self.client("elevenlabs", server)
            let request = SpeechRequest(
                model: "elevenlabs/eleven_multilingual_v2", text: "This is a test for the API of ElevenLabs.",
                voice: Self.voiceID, format: .alaw())
            let first = try await llm.speakWithTimestamps(request)
            #expect(first.audio == Base64.decode(placeholder))
            for (got, key) in [(first.alignment, "alignment"), (first.normalizedAlignment, "normalized_alignment")] {
                let want = try #require(fixture[key])
                let a = try #require(got)
                #expect(a.characters.map(\.character) == want["characters"]?.arrayValue?.compactMap(\.stringValue))
                #expect(
                    a.characters.map(\.start)
                        == want["character_start_times_seconds"]?.arrayValue?.compactMap(\.doubleValue))
                #expect(
                    a.characters.map(\.end)
                        == want["character_end_times_seconds"]?.arrayValue?.compactMap(\.doubleValue))
                #expect(a.characters.count == 5)
                #expect(a.text == "Hello")
            }
            let second = try await llm.speakWithTimestamps(request)
            #expect(second.audio == served)
            #expect(second.mimeType == "audio/x-alaw-basic")
            #expect(second.alignment == first.alignment)
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1/text-to-speech/\(Self.voiceID)/with-timestamps?output_format=alaw_8000")
            #expect(req.header("accept") == "application/json")
            #expect(req.header("xi-api-key") == "test-key")
        }
    }

    @Test("ElevenLabs voices: GET /v1/voices, id, name, category, description, labels and preview URL")
    func voices() async throws {
        let fixture = Fixture.json("voice/tts-elevenlabs/voices.json")
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "application/json")], body: Fixture.bytes("voice/tts-elevenlabs/voices.json")
            )
        ]) { server in
            let voices = try await Self.client("elevenlabs", server).voices(provider: "elevenlabs")
            let req = try #require(server.requests.first)
            #expect(req.method == "GET")
            #expect(req.uri == "/v1/voices")
            #expect(req.header("xi-api-key") == "test-key")
            let want = try #require(fixture["voices"]?.arrayValue)
            #expect(voices.count == want.count)
            #expect(!voices.isEmpty)
            for (v, w) in zip(voices, want) {
                #expect(v.id == w["voice_id"]?.stringValue)
                #expect(v.name == w["name"]?.stringValue)
                #expect(v.category == w["category"]?.stringValue)
                #expect(v.description == w["description"]?.stringValue)
                #expect(v.previewURL == w["preview_url"]?.stringValue)
                let labels = w["labels"]?.objectValue ?? []
                #expect(v.labels.count == labels.count)
                for (k, value) in labels { #expect(v.labels[k] == value.stringValue) }
            }
            #expect(voices.first?.labels["accent"] == "American")
        }
    }

    @Test("OpenAI voices: the API reference's list, without a request or a key")
    func openAIVoices() async throws {
        let voices = try await LLMKit(environment: [:]).voices(provider: "openai")
        #expect(voices.map(\.id).contains("alloy"))
        #expect(voices.map(\.id).contains("cedar"))
        #expect(voices.count == 13)
    }

    @Test("OpenAI: /audio/speech with model, input, voice, instructions, response_format, speed; raw audio back")
    func openAIRequest() async throws {
        let served = Self.audio(2048)
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "audio/flac"), ("x-request-id", "req_oai_1")], body: served,
                delivery: .chunks(100))
        ]) { server in
            let r = try await Self.client("openai", server, path: "/v1").speak(
                SpeechRequest(
                    model: "openai/gpt-4o-mini-tts", text: "The quick brown fox jumped over the lazy dog.",
                    voice: "coral", format: .flac(), instructions: "Speak in a cheerful and positive tone.",
                    speed: 1.25,
                    language: "en"))
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1/audio/speech")
            #expect(req.header("authorization") == "Bearer test-key")
            #expect(req.header("content-type") == "application/json")
            let body = try #require(req.json)
            #expect(
                body.objectValue?.map(\.key) == ["model", "input", "voice", "instructions", "response_format", "speed"])
            #expect(body["model"] == "gpt-4o-mini-tts")
            #expect(body["input"] == "The quick brown fox jumped over the lazy dog.")
            #expect(body["voice"] == "coral")
            #expect(body["instructions"] == "Speak in a cheerful and positive tone.")
            #expect(body["response_format"] == "flac")
            #expect(body["speed"]?.doubleValue == 1.25)
            #expect(r.audio == served)
            #expect(r.requestID == "req_oai_1")
            #expect(r.mimeType == "audio/flac")
            #expect(r.warnings.map(\.code) == ["parameter_dropped"])
        }
    }

    @Test("Deepgram Aura: /v1/speak query, Token auth, {text} body; request id, characters, type from headers")
    func deepgram() async throws {
        // The header values are those of deepgram-python-sdk's recorded /v1/speak response (Fixtures/voice/deepgram).
        let meta = Fixture.json("voice/deepgram/speak-aura-2.response-metadata.json")
        let served = Self.audio(1500)
        try await LoopbackServer.with([
            CannedResponse(
                headers: [
                    ("content-type", meta["content_type"]?.stringValue ?? ""),
                    ("dg-request-id", meta["request_id"]?.stringValue ?? ""),
                    ("dg-model-name", meta["model_name"]?.stringValue ?? ""),
                    ("dg-char-count", String(meta["characters"]?.intValue ?? -1)),
                ], body: served, delivery: .randomSplits(seed: 11))
        ]) { server in
            let r = try await Self.client("deepgram", server).speak(
                SpeechRequest(
                    model: "deepgram/aura-2-thalia-en", text: "Hello, world!", format: .wav(sampleRate: 24000)))
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1/speak?model=aura-2-thalia-en&encoding=linear16&container=wav&sample_rate=24000")
            #expect(req.header("authorization") == "Token test-key")
            #expect(req.json == ["text": "Hello, world!"])
            #expect(r.audio == served)
            #expect(r.requestID == meta["request_id"]?.stringValue)
            #expect(r.characters == meta["characters"]?.intValue)
            #expect(r.mimeType == "audio/wav")
        }
    }

    @Test("Deepgram formats: raw PCM, G.711 and MP3 bitrate as encoding/container/sample_rate/bit_rate")
    func deepgramFormats() async throws {
        let cases: [(AudioFormat, String)] = [
            (.pcm16(sampleRate: 16000), "encoding=linear16&container=none&sample_rate=16000"),
            (.mulaw(), "encoding=mulaw&container=none&sample_rate=8000"),
            (.mp3(bitrate: 32000), "encoding=mp3&bit_rate=32000"),
            (.opus(), "encoding=opus"),
        ]
        try await LoopbackServer.with(cases.map { _ in CannedResponse(body: [1, 2, 3]) }) { server in
            let llm = Self.client("deepgram", server)
            for (format, _) in cases {
                _ = try await llm.speak(SpeechRequest(model: "deepgram/aura-2-thalia-en", text: "Hi", format: format))
            }
            #expect(server.requests.map(\.uri) == cases.map { "/v1/speak?model=aura-2-thalia-en&" + $0.1 })
        }
    }

    @Test("errors: ElevenLabs' documented detail body, an HTML 500, and a failing stream start")
    func errors() async throws {
        let documented = Fixture.json("voice/tts-elevenlabs/error-400-max-character-limit.json")["detail"]
        let html = Array("<html><head><title>500 Internal Server Error</title></head><body>nginx</body></html>".utf8)
        try await LoopbackServer.with([
            CannedResponse(
                status: 400, headers: [("content-type", "application/json")],
                body: Fixture.bytes("voice/tts-elevenlabs/error-400-max-character-limit.json")),
            CannedResponse(status: 500, headers: [("content-type", "text/html")], body: html),
            CannedResponse(
                status: 400, headers: [("content-type", "application/json")],
                body: Fixture.bytes("voice/tts-elevenlabs/error-400-max-character-limit.json"),
                delivery: .randomSplits(seed: 5)),
        ]) { server in
            let llm = Self.client("elevenlabs", server, key: "sk_secret_key_1234567890")
            let request = SpeechRequest(model: "elevenlabs/eleven_multilingual_v2", text: "x", voice: Self.voiceID)
            let bad = await llmError { _ = try await llm.speak(request) }
            #expect(bad?.kind == .invalidRequest)
            #expect(bad?.statusCode == 400)
            #expect(bad?.message == documented?["message"]?.stringValue)
            #expect(bad?.providerCode == "max_character_limit_exceeded")
            #expect(bad?.provider == "elevenlabs")
            let down = await llmError { _ = try await llm.speak(request) }
            #expect(down?.kind == .server)
            #expect(down?.statusCode == 500)
            #expect(down?.message.contains("HTML") == true)
            let streamed = await llmError { for try await _ in llm.speakStream(request) {} }
            #expect(streamed?.kind == .invalidRequest)
            #expect(streamed?.providerCode == "max_character_limit_exceeded")
        }
    }

    @Test("unsupported: formats a provider does not offer, and providers without speech, fail before any request")
    func unsupported() async throws {
        try await LoopbackServer.with([]) { server in
            let el = Self.client("elevenlabs", server)
            let oai = Self.client("openai", server, path: "/v1")
            let dg = Self.client("deepgram", server)
            let cases: [(LLMKit, SpeechRequest)] = [
                (el, SpeechRequest(model: "elevenlabs/eleven_multilingual_v2", text: "x", voice: "v", format: .aac)),
                (el, SpeechRequest(model: "elevenlabs/eleven_multilingual_v2", text: "x", voice: "v", format: .flac())),
                (
                    el,
                    SpeechRequest(
                        model: "elevenlabs/eleven_multilingual_v2", text: "x", voice: "v",
                        format: .mp3(sampleRate: 44100, bitrate: 320000))
                ),
                (
                    el,
                    SpeechRequest(
                        model: "elevenlabs/eleven_multilingual_v2", text: "x", voice: "v",
                        format: .mulaw(sampleRate: 16000))
                ),
                (oai, SpeechRequest(model: "openai/tts-1", text: "x", voice: "alloy", format: .mulaw())),
                (
                    oai,
                    SpeechRequest(model: "openai/tts-1", text: "x", voice: "alloy", format: .pcm16(sampleRate: 16000))
                ),
                (oai, SpeechRequest(model: "openai/tts-1", text: "x", voice: "alloy", format: .mp3(bitrate: 128000))),
            ]
            for (llm, request) in cases {
                let e = await llmError { _ = try await llm.speak(request) }
                #expect(e?.kind == .unsupported, "\(request.model) \(request.format)")
            }
            let stamps = await llmError {
                _ = try await dg.speakWithTimestamps(SpeechRequest(model: "deepgram/aura-2-thalia-en", text: "x"))
            }
            #expect(stamps?.kind == .unsupported)
            let noVoice = await llmError {
                _ = try await el.speak(SpeechRequest(model: "elevenlabs/eleven_multilingual_v2", text: "x"))
            }
            #expect(noVoice?.kind == .invalidRequest)
            let anthropic = await llmError {
                _ = try await LLMKit(environment: ["ANTHROPIC_API_KEY": "k"]).speak(
                    SpeechRequest(model: "anthropic/claude-sonnet-4-5", text: "x", voice: "v"))
            }
            #expect(anthropic?.kind == .unsupported)
            let listing = await llmError { _ = try await dg.voices(provider: "deepgram") }
            #expect(listing?.kind == .unsupported)
            #expect(server.requests.isEmpty)
        }
    }

    @Test("cancelling the consumer of a speech stream closes the connection")
    func cancellation() async throws {
        var r = CannedResponse(headers: [("content-type", "audio/mpeg")], body: Self.audio(500))
        r.hangAfterBody = true
        try await LoopbackServer.with([r]) { server in
            let stream = Self.client("elevenlabs", server).speakStream(
                SpeechRequest(model: "elevenlabs/eleven_multilingual_v2", text: "x", voice: Self.voiceID))
            let gotAudio = NIOLockedValueBox(false)
            let task = Task {
                for try await _ in stream { gotAudio.withLockedValue { $0 = true } }
            }
            while !gotAudio.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            task.cancel()
            let result = await task.result
            if case .success = result { Issue.record("a cancelled stream must throw") }
            if case .failure(let e as LLMError) = result { #expect(e.kind == .cancelled) }
            let deadline = ContinuousClock.now + .seconds(60)
            while server.closedConnections == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(server.closedConnections == 1)
        }
    }

    @Test("AudioFormat names: ElevenLabs-style codec_rate_kbps and plain codec names")
    func formatNames() {
        #expect(AudioFormat(parsing: "mp3_44100_128") == .mp3(sampleRate: 44100, bitrate: 128000))
        #expect(AudioFormat(parsing: "pcm_16000") == .pcm16(sampleRate: 16000))
        #expect(AudioFormat(parsing: "ulaw_8000") == .mulaw(sampleRate: 8000))
        #expect(AudioFormat(parsing: "alaw_8000") == .alaw())
        #expect(AudioFormat(parsing: "opus_48000_64") == .opus(sampleRate: 48000, bitrate: 64000))
        #expect(AudioFormat(parsing: "wav") == .wav())
        #expect(AudioFormat(parsing: "pcm") == .pcm16(sampleRate: 24000))
        #expect(AudioFormat(parsing: "aac") == .aac)
        #expect(AudioFormat(parsing: "ogg") == nil)
        #expect(AudioFormat(parsing: "pcm_x") == nil)
        #expect(AudioFormat(parsing: "aac_44100") == nil)
    }
}
