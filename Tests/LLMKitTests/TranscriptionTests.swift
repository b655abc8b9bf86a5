import Foundation
import LLMKit
@_spi(LLMKitInternal) import LLMKitCore
import LLMKitTesting
import Testing

/// Deepgram pre-recorded transcription replayed from deepgram-python-sdk's and vercel/ai's recorded
/// responses (Fixtures/voice/deepgram/SOURCE.md).
@Suite("Transcription (Deepgram)")
struct TranscriptionTests {
    static func replay(_ name: String, _ request: TranscriptionRequest) async throws -> (Transcript, CapturedRequest) {
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "application/json")], body: Fixture.bytes("voice/deepgram/\(name).json"))
        ]) { server in
            let llm = LLMKit(
                providers: ["deepgram": ProviderSettings(apiKey: "dg-key", baseURL: server.baseURL)], environment: [:],
                retry: .none)
            return (try await llm.transcribe(request), try #require(server.requests.first))
        }
    }

    /// The fields LLMKit reads, straight from the fixture.
    static func alternative(_ name: String) -> JSONValue? {
        Fixture.json("voice/deepgram/\(name).json")["results"]?["channels"]?.arrayValue?.first?["alternatives"]?
            .arrayValue?.first
    }

    @Test("smart format: words with timings and punctuation, paragraphs, duration, request id; audio sent as the body")
    func smartFormat() async throws {
        let audio = Array("RIFF....WAVEfmt ".utf8)  // bytes only travel; Deepgram's answer is the recording
        let (r, req) = try await Self.replay(
            "prerecorded-nova-3-smart-format",
            TranscriptionRequest(
                model: "deepgram/nova-3", audio: .data(audio, mimeType: "audio/wav"), paragraphs: true,
                keyterms: ["LLMKit"]))
        #expect(req.uri == "/v1/listen?model=nova-3&smart_format=true&paragraphs=true&keyterm=LLMKit")
        #expect(req.header("authorization") == "Token dg-key")
        #expect(req.header("content-type") == "audio/wav")
        #expect(req.body == audio)
        let alt = try #require(Self.alternative("prerecorded-nova-3-smart-format"))
        #expect(r.text == alt["transcript"]?.stringValue)
        #expect(r.confidence == alt["confidence"]?.doubleValue)
        let words = alt["words"]?.arrayValue ?? []
        #expect(r.words.count == words.count)
        #expect(r.words.count > 10)
        for (got, want) in zip(r.words, words) {
            #expect(got.word == want["word"]?.stringValue)
            #expect(got.punctuated == want["punctuated_word"]?.stringValue)
            #expect(got.start == want["start"]?.doubleValue)
            #expect(got.end == want["end"]?.doubleValue)
            #expect(got.confidence == want["confidence"]?.doubleValue)
        }
        let paragraphs = alt["paragraphs"]?["paragraphs"]?.arrayValue ?? []
        #expect(r.paragraphs.count == paragraphs.count)
        #expect(!r.paragraphs.isEmpty)
        #expect(
            r.paragraphs.first?.text
                == paragraphs.first?["sentences"]?.arrayValue?.compactMap { $0["text"]?.stringValue }.joined(
                    separator: " "))
        let metadata = Fixture.json("voice/deepgram/prerecorded-nova-3-smart-format.json")["metadata"]
        #expect(r.duration == metadata?["duration"]?.doubleValue)
        #expect(r.requestID == metadata?["request_id"]?.stringValue)
    }

    @Test("diarization: every word carries its speaker; a URL is sent as JSON")
    func diarize() async throws {
        let (r, req) = try await Self.replay(
            "prerecorded-nova-3-diarize",
            TranscriptionRequest(
                model: "deepgram/nova-3", audio: .url("https://dpgr.am/spacewalk.wav"), diarize: true,
                smartFormat: false))
        #expect(req.uri == "/v1/listen?model=nova-3&diarize=true")
        #expect(req.json == ["url": "https://dpgr.am/spacewalk.wav"])
        let words = try #require(Self.alternative("prerecorded-nova-3-diarize")?["words"]?.arrayValue)
        #expect(r.words.map(\.speaker) == words.map { $0["speaker"]?.intValue.map(String.init) })
        #expect(r.words.allSatisfy { $0.speaker != nil })
    }

    @Test("errors: a body without results, and providers without transcription")
    func errors() async throws {
        let e = await llmError {
            _ = try await Self.replay(
                "live-results-final", TranscriptionRequest(model: "deepgram/nova-3", audio: .url("https://x")))
        }
        #expect(e?.kind == .decoding)
        let none = await llmError {
            _ = try await LLMKit(environment: ["ANTHROPIC_API_KEY": "k"]).transcribe(
                TranscriptionRequest(model: "anthropic/claude-sonnet-4-5", audio: .url("https://x")))
        }
        #expect(none?.kind == .unsupported)
    }

    static func openAI(_ name: String, _ request: TranscriptionRequest) async throws -> (Transcript, CapturedRequest) {
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "application/json")], body: Fixture.bytes("voice/openai-audio/\(name).json"))
        ]) { server in
            let llm = LLMKit(
                providers: ["openai": ProviderSettings(apiKey: "k", baseURL: server.baseURL + "/v1")], environment: [:],
                retry: .none)
            return (try await llm.transcribe(request), try #require(server.requests.first))
        }
    }

    @Test("OpenAI whisper-1: multipart with verbose_json and word + segment timings; words read back")
    func whisper() async throws {
        let audio = Array("ID3\u{4}".utf8)
        let (r, req) = try await Self.openAI(
            "transcription-whisper-1-verbose-words",
            TranscriptionRequest(model: "openai/whisper-1", audio: .data(audio, mimeType: "audio/mpeg"), language: "en")
        )
        #expect(req.uri == "/v1/audio/transcriptions")
        let type = try #require(req.header("content-type"))
        let boundary = String(type.dropFirst("multipart/form-data; boundary=".count))
        let parts = ImageTests.parts(req.body, boundary: boundary)
        #expect(
            parts.map(\.name)
                == [
                    "file", "model", "response_format", "timestamp_granularities[]", "timestamp_granularities[]",
                    "language",
                ])
        #expect(parts[0].content == audio)
        #expect(parts[0].headers.contains("filename=\"audio.mp3\""))
        #expect(
            parts.map { String(decoding: $0.content, as: UTF8.self) }.dropFirst() == [
                "whisper-1", "verbose_json", "word", "segment", "en",
            ])
        let fixture = Fixture.json("voice/openai-audio/transcription-whisper-1-verbose-words.json")
        #expect(r.text == fixture["text"]?.stringValue)
        #expect(r.language == "english")
        #expect(r.duration == fixture["duration"]?.doubleValue)
        let words = fixture["words"]?.arrayValue ?? []
        #expect(r.words.count == words.count)
        #expect(
            zip(r.words, words).allSatisfy {
                $0.word == $1["word"]?.stringValue && $0.start == $1["start"]?.doubleValue
                    && $0.end == $1["end"]?.doubleValue
            })
    }

    @Test("OpenAI gpt-4o-transcribe: json, text only; segments as paragraphs for verbose whisper; diarize is a warning")
    func gpt4o() async throws {
        let (r, req) = try await Self.openAI(
            "transcription-gpt-4o-transcribe-json",
            TranscriptionRequest(
                model: "openai/gpt-4o-transcribe", audio: .data([1, 2, 3], mimeType: "audio/wav"), diarize: true))
        let boundary = String((req.header("content-type") ?? "").dropFirst("multipart/form-data; boundary=".count))
        #expect(ImageTests.parts(req.body, boundary: boundary).map(\.name) == ["file", "model", "response_format"])
        #expect(
            r.text == Fixture.json("voice/openai-audio/transcription-gpt-4o-transcribe-json.json")["text"]?.stringValue)
        #expect(r.words.isEmpty)
        #expect(r.warnings.map(\.code) == ["parameter_dropped"])
        let (s, _) = try await Self.openAI(
            "transcription-whisper-1-verbose-segments",
            TranscriptionRequest(model: "openai/whisper-1", audio: .data([1], mimeType: "audio/wav")))
        let segments =
            Fixture.json("voice/openai-audio/transcription-whisper-1-verbose-segments.json")["segments"]?.arrayValue
            ?? []
        #expect(s.paragraphs.count == segments.count)
        #expect(s.paragraphs.first?.start == segments.first?["start"]?.doubleValue)
    }
}

@Suite("Transcription: Deepgram utterances")
struct DeepgramUtteranceTests {
    @Test("utterances=true is sent; the documented utterance is read with its text and timings")
    func utterances() async throws {
        var t = JSONTape()
        try t.parse(Fixture.bytes("voice/deepgram/utterances-docs-fragment.json"))
        #expect(
            DeepgramTranscripts.utterances(t, t.root) == [
                Transcript.Paragraph(
                    text: "four score and seven years ago our fathers brought forth on this continent a new nation",
                    start: 0.41915998, end: 5.43012)
            ])
        let (r, req) = try await TranscriptionTests.replay(
            "prerecorded-nova-3-smart-format",
            TranscriptionRequest(model: "deepgram/nova-3", audio: .data([1], mimeType: "audio/wav"), utterances: true))
        #expect(req.uri == "/v1/listen?model=nova-3&smart_format=true&utterances=true")
        #expect(r.utterances.isEmpty)  // this recording was made without utterances
        #expect(r.warnings.isEmpty)
    }
}
