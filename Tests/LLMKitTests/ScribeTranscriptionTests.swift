import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// ElevenLabs Scribe `POST /v1/speech-to-text`, replayed from vercel/ai's recorded answers and ElevenLabs'
/// printed examples (Fixtures/voice/elevenlabs/SOURCE.md).
@Suite("Transcription (ElevenLabs Scribe)")
struct ScribeTranscriptionTests {
    static func replay(
        _ responses: [CannedResponse], _ request: TranscriptionRequest
    ) async throws -> (Transcript, [CapturedRequest]) {
        try await LoopbackServer.with(responses) { server in
            let llm = LLMKit(
                providers: ["elevenlabs": ProviderSettings(apiKey: "xi-test-key", baseURL: server.baseURL)],
                environment: [:], retry: .none)
            return (try await llm.transcribe(request), server.requests)
        }
    }

    static func answer(
        _ name: String, status: Int = 200, delivery: CannedResponse.Delivery = .whole, folder: String = "elevenlabs"
    ) -> CannedResponse {
        CannedResponse(
            status: status, headers: [("content-type", "application/json")],
            body: Fixture.bytes("voice/\(folder)/\(name).json"), delivery: delivery)
    }

    /// The multipart parts of a captured request, by name, as text (the file part's bytes separately).
    static func parts(_ req: CapturedRequest) throws -> [(name: String, headers: String, content: [UInt8])] {
        let type = try #require(req.header("content-type"))
        #expect(type.hasPrefix("multipart/form-data; boundary="))
        return ImageTests.parts(req.body, boundary: String(type.dropFirst("multipart/form-data; boundary=".count)))
    }

    /// The `type == "word"` entries of a fixture's `words`, and the rest.
    static func entries(_ json: JSONValue, type: String) -> [JSONValue] {
        (json["words"]?.arrayValue ?? []).filter { ($0["type"]?.stringValue ?? "word") == type }
    }

    @Test("bytes: multipart parts in order; words without spacing, exp(logprob) confidence, language, id")
    func upload() async throws {
        let audio = Array("ID3\u{3}\u{0}fake-mp3".utf8)
        let (r, reqs) = try await Self.replay(
            [Self.answer("stt-scribe")],
            TranscriptionRequest(
                model: "elevenlabs/scribe_v2", audio: .data(audio, mimeType: "audio/mpeg"), language: "en",
                diarize: true, keyterms: ["Vercel", "AI SDK"], speakerCount: 2))
        let req = try #require(reqs.first)
        #expect(reqs.count == 1)
        #expect(req.method == "POST")
        #expect(req.uri == "/v1/speech-to-text")
        #expect(req.header("xi-api-key") == "xi-test-key")
        #expect(req.header("authorization") == nil)
        let parts = try Self.parts(req)
        #expect(
            parts.map(\.name) == [
                "model_id", "file", "language_code", "tag_audio_events", "num_speakers", "timestamps_granularity",
                "diarize", "keyterms", "keyterms",
            ])
        let text = parts.map { String(decoding: $0.content, as: UTF8.self) }
        #expect(text[0] == "scribe_v2")
        #expect(parts[1].headers.contains("filename=\"audio.mp3\""))
        #expect(parts[1].headers.contains("Content-Type: audio/mpeg"))
        #expect(parts[1].content == audio)
        #expect(Array(text[2...]) == ["en", "false", "2", "word", "true", "Vercel", "AI SDK"])

        let fixture = Fixture.json("voice/elevenlabs/stt-scribe.json")
        #expect(r.provider == "elevenlabs")
        #expect(r.model == "scribe_v2")
        #expect(r.text == "Hello from the Vercel AI SDK.")
        #expect(r.text == fixture["text"]?.stringValue)
        #expect(r.language == "eng")
        #expect(r.languageConfidence == fixture["language_probability"]?.doubleValue)
        #expect(r.requestID == "dRgXxwt3SzzliHA3nDAQ")
        #expect(r.duration == nil)
        #expect(r.confidence == nil)
        #expect(r.audioEvents == nil)
        #expect(r.paragraphs.isEmpty)
        #expect(r.warnings.isEmpty)
        let words = Self.entries(fixture, type: "word")
        #expect(r.words.count == words.count)
        #expect(r.words.map(\.word) == ["Hello", "from", "the", "Vercel", "AI", "SDK."])
        for (got, want) in zip(r.words, words) {
            #expect(got.start == want["start"]?.doubleValue)
            #expect(got.end == want["end"]?.doubleValue)
            #expect(got.speaker == want["speaker_id"]?.stringValue)
            #expect(got.confidence == want["logprob"]?.doubleValue.map { Foundation.exp($0) })
            #expect(got.punctuated == nil)
        }
    }

    @Test("diarized: speakers, duration, speaker-turn paragraphs; the answer split at 1-7 byte boundaries")
    func diarized() async throws {
        for delivery in [CannedResponse.Delivery.whole, .randomSplits(seed: 7), .randomSplits(seed: 42)] {
            let (r, _) = try await Self.replay(
                [Self.answer("stt-scribe-diarized", delivery: delivery)],
                TranscriptionRequest(
                    model: "elevenlabs/scribe_v1", audio: .url("https://example.com/a.mp3"), diarize: true,
                    paragraphs: true))
            let fixture = Fixture.json("voice/elevenlabs/stt-scribe-diarized.json")
            let words = Self.entries(fixture, type: "word")
            #expect(r.words.map(\.word) == words.map { $0["text"]?.stringValue ?? "" })
            #expect(r.words.allSatisfy { $0.speaker == "speaker_0" })
            #expect(r.words.first?.confidence == Foundation.exp(-0.000007510157047363464))
            #expect(r.duration == 2.50775)
            #expect(r.requestID == "a55fQPrzI9CCWZSq0Csj")
            #expect(r.languageConfidence == 0.9322303533554077)
            #expect(
                r.paragraphs == [
                    Transcript.Paragraph(
                        text: "Hello from the Versal AI SDK", start: 0.2, end: 2.18, speaker: "speaker_0")
                ])
        }
    }

    @Test("a URL goes as source_url; audio events on; smartFormat off warns; overlapping docs timings kept")
    func urlAndEvents() async throws {
        let (r, reqs) = try await Self.replay(
            [Self.answer("stt-docs-example")],
            TranscriptionRequest(
                model: "elevenlabs/scribe_v2", audio: .url("https://storage.example.com/nicole.mp3"),
                smartFormat: false, audioEvents: true))
        let parts = try Self.parts(try #require(reqs.first))
        #expect(parts.map(\.name) == ["model_id", "source_url", "tag_audio_events", "timestamps_granularity"])
        #expect(
            parts.map { String(decoding: $0.content, as: UTF8.self) } == [
                "scribe_v2", "https://storage.example.com/nicole.mp3", "true", "word",
            ])
        let fixture = Fixture.json("voice/elevenlabs/stt-docs-example.json")
        let words = Self.entries(fixture, type: "word")
        #expect(words.count == 26)
        #expect(r.words.map(\.word) == words.map { $0["text"]?.stringValue ?? "" })
        #expect(r.words.map(\.start) == words.map { $0["start"]?.doubleValue ?? -1 })
        #expect(r.words.map(\.end) == words.map { $0["end"]?.doubleValue ?? -1 })
        #expect(r.words.allSatisfy { $0.confidence == nil })  // the docs example has no logprob
        #expect(r.text == fixture["text"]?.stringValue)
        #expect(r.language == "en")
        #expect(r.languageConfidence == 1)
        #expect(r.audioEvents == [])  // asked for, none in this recording
        #expect(r.warnings.map(\.code) == ["parameter_dropped"])
        #expect(r.warnings.first?.message.contains("smartFormat") == true)
    }

    @Test("multichannel answer (one transcript per channel): merged in time order, with a warning")
    func multichannel() async throws {
        let (r, _) = try await Self.replay(
            [Self.answer("stt-multichannel.reference")],
            TranscriptionRequest(model: "elevenlabs/scribe_v2", audio: .url("https://x.example/a.wav")))
        #expect(r.text == "Hello from channel one.\nGreetings from channel two.")
        #expect(
            r.words == [
                Transcript.Word(
                    word: "Hello", start: 0, end: 0.5, confidence: Foundation.exp(-0.124), speaker: "speaker_0"),
                Transcript.Word(
                    word: "Greetings", start: 0.1, end: 0.7, confidence: Foundation.exp(-0.156), speaker: "speaker_1"),
            ])
        #expect(r.language == "en")
        #expect(r.languageConfidence == 0.98)
        #expect(r.warnings.map(\.code) == ["multichannel_merged"])
    }

    @Test("silence: empty text and words, language 'en' with probability 0")
    func silent() async throws {
        let (r, _) = try await Self.replay(
            [Self.answer("stt-scribe-silent")],
            TranscriptionRequest(model: "elevenlabs/scribe_v1", audio: .data([0, 0, 0, 0], mimeType: "audio/wav")))
        #expect(r.text == "")
        #expect(r.words.isEmpty)
        #expect(r.language == "en")
        #expect(r.languageConfidence == 0)
        #expect(r.requestID == "V8shINgP2BtQZbKdK55U")
    }

    @Test("errors: ElevenLabs detail body, bad key, malformed JSON, no text, speakerCount out of range")
    func errors() async throws {
        let request = TranscriptionRequest(model: "elevenlabs/scribe_v2", audio: .url("https://x.example/a.wav"))
        let detail = await llmError {
            _ = try await Self.replay(
                [Self.answer("error-400-max-character-limit", status: 400, folder: "tts-elevenlabs")], request)
        }
        #expect(detail?.kind == .invalidRequest)
        #expect(detail?.providerCode == "max_character_limit_exceeded")
        #expect(detail?.message.hasPrefix("This request's text has 627 characters") == true)
        let key = await llmError {
            _ = try await Self.replay(
                [CannedResponse(status: 401, headers: [("content-type", "application/json")], body: [])], request)
        }
        #expect(key?.kind == .authentication)
        #expect(key?.message.contains("ELEVENLABS_API_KEY") == true)
        #expect(key?.description.contains("xi-test-key") == false)
        let broken = await llmError {
            _ = try await Self.replay(
                [CannedResponse(status: 200, headers: [], body: Array(#"{"text": "Hello", "words": [{"#.utf8))],
                request)
        }
        #expect(broken?.kind == .decoding)
        let noText = await llmError {
            _ = try await Self.replay([Self.answer("transcript-queued", folder: "assemblyai")], request)
        }
        #expect(noText?.kind == .decoding)
        #expect(noText?.message.contains("without a transcript text") == true)
        let tooMany = await llmError {
            var r = request
            r.diarize = true
            r.speakerCount = 40
            _ = try await Self.replay([], r)
        }
        #expect(tooMany?.kind == .invalidRequest)
        #expect(tooMany?.message == "ElevenLabs predicts 1 to 32 speakers; speakerCount was 40")
    }
}
