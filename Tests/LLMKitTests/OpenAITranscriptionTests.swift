import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// OpenAI's streamed transcription, diarization and translation, Groq's Whisper, and upload progress,
/// replayed from the OpenAPI reference examples and vercel/ai's Groq recordings
/// (Fixtures/voice/openai-audio/SOURCE.md, Fixtures/voice/groq/SOURCE.md).
@Suite("Transcription (OpenAI streaming, diarization, translation; Groq)")
struct OpenAITranscriptionTests {
    static func client(_ provider: String, _ server: LoopbackServer, path: String = "/v1") -> LLMKit {
        LLMKit(
            providers: [provider: ProviderSettings(apiKey: "sk-test", baseURL: server.baseURL + path)],
            environment: [:], retry: .none)
    }

    /// Multipart parts as (name, text) pairs, the file part's bytes first.
    static func form(_ req: CapturedRequest) throws -> [(String, String)] {
        let type = try #require(req.header("content-type"))
        #expect(type.hasPrefix("multipart/form-data; boundary="))
        let boundary = String(type.dropFirst("multipart/form-data; boundary=".count))
        return ImageTests.parts(req.body, boundary: boundary).map {
            ($0.name, String(decoding: $0.content, as: UTF8.self))
        }
    }

    static let doneText =
        "I see skies of blue and clouds of white, the bright blessed days, the dark sacred nights, and I think to myself, what a wonderful world."

    @Test(
        "stream: transcript.text.delta events in order, then done with the whole text; whole and in 1-7 byte writes",
        arguments: [nil, UInt64.random(in: 1...UInt64.max)])
    func stream(seed: UInt64?) async throws {
        let body = Fixture.bytes("voice/openai-audio/transcription-stream.sse")
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "text/event-stream")], body: body,
                delivery: seed.map { .randomSplits(seed: $0) } ?? .whole)
        ]) { server in
            let audio = Array("RIFF$\u{0}\u{0}\u{0}WAVE".utf8)
            var deltas: [String] = []
            var done: Transcript?
            for try await event in Self.client("openai", server).transcribeStream(
                TranscriptionRequest(
                    model: "openai/gpt-4o-mini-transcribe", audio: .data(audio, mimeType: "audio/wav"), language: "en"))
            {
                switch event {
                case .textDelta(let d): deltas.append(d)
                case .segment: Issue.record("no segments in this stream")
                case .done(let t): done = t
                }
            }
            let expected = body.split(separator: UInt8(ascii: "\n")).compactMap { line -> JSONValue? in
                guard line.starts(with: Array("data: ".utf8)) else { return nil }
                return try? JSONValue(parsing: Array(line.dropFirst(6)))
            }
            let expectedDeltas = expected.filter { $0["type"]?.stringValue == "transcript.text.delta" }.compactMap {
                $0["delta"]?.stringValue
            }
            #expect(deltas == expectedDeltas, "split seed \(seed.map(String.init) ?? "none")")
            #expect(deltas.count > 20)
            let t = try #require(done)
            #expect(t.text == Self.doneText)
            #expect(deltas.joined() == t.text)
            #expect(t.provider == "openai" && t.model == "gpt-4o-mini-transcribe")
            #expect(t.words.isEmpty && t.paragraphs.isEmpty && t.warnings.isEmpty)
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1/audio/transcriptions")
            #expect(req.header("authorization") == "Bearer sk-test")
            #expect(req.header("accept") == "text/event-stream")
            let form = try Self.form(req)
            #expect(form.map(\.0) == ["file", "model", "response_format", "language", "stream"])
            #expect(form.map(\.1).dropFirst() == ["gpt-4o-mini-transcribe", "json", "en", "true"])
            #expect(form[0].1 == String(decoding: audio, as: UTF8.self))
        }
    }

    @Test("stream: a body cut before transcript.text.done is a network error that says so, not a short transcript")
    func truncated() async throws {
        let body = Fixture.bytes("voice/openai-audio/transcription-stream.sse")
        try await LoopbackServer.with([
            CannedResponse(headers: [("content-type", "text/event-stream")], body: body, truncateAfter: body.count / 2)
        ]) { server in
            var deltas = 0
            do {
                for try await event in Self.client("openai", server).transcribeStream(
                    TranscriptionRequest(model: "openai/gpt-4o-transcribe", audio: .data([1], mimeType: "audio/wav")))
                {
                    if case .textDelta = event { deltas += 1 }
                    if case .done = event { Issue.record("a cut stream must not produce a transcript") }
                }
                Issue.record("expected an error")
            } catch let error as LLMError {
                #expect(error.kind == .network)
                #expect(error.message.contains("transcript.text.done") || error.message.contains("cut off"))
            }
            #expect(deltas > 0)
        }
    }

    @Test("stream: the diarizing model's segment events arrive as .segment and end up in the transcript")
    func streamSegments() async throws {
        // The reference's three event examples, framed as SSE (SOURCE.md: transcription-stream-event-examples).
        let lines = String(
            decoding: Fixture.bytes("voice/openai-audio/transcription-stream-event-examples.jsonl"), as: UTF8.self
        )
        .split(separator: "\n")
        let body = Array(lines.map { "data: \($0)\n\n" }.joined().utf8)
        try await LoopbackServer.with([CannedResponse(headers: [("content-type", "text/event-stream")], body: body)]) {
            server in
            var events: [TranscriptEvent] = []
            for try await e in Self.client("openai", server).transcribeStream(
                TranscriptionRequest(
                    model: "openai/gpt-4o-transcribe-diarize", audio: .data([1], mimeType: "audio/wav"), diarize: true))
            {
                events.append(e)
            }
            let segment = Transcript.Paragraph(
                text: "Hi, I need help with diarization.", start: 5.2, end: 12.8, speaker: "A")
            #expect(events.count == 3)
            #expect(events.first == .textDelta(" wonderful"))
            #expect(events.dropFirst().first == .segment(segment))
            guard case .done(let t) = events.last else {
                Issue.record("last event is not .done")
                return
            }
            #expect(t.paragraphs == [segment])
            #expect(t.text == Self.doneText)
            let form = try Self.form(try #require(server.requests.first))
            #expect(form.map(\.0) == ["file", "model", "response_format", "chunking_strategy", "stream"])
            #expect(form.map(\.1).dropFirst() == ["gpt-4o-transcribe-diarize", "diarized_json", "auto", "true"])
        }
    }

    @Test("diarized_json: segments become paragraphs with the speaker labels as sent")
    func diarized() async throws {
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "application/json")],
                body: Fixture.bytes("voice/openai-audio/transcription-diarized-json.json"))
        ]) { server in
            let t = try await Self.client("openai", server).transcribe(
                TranscriptionRequest(
                    model: "openai/gpt-4o-transcribe-diarize", audio: .data([1, 2], mimeType: "audio/wav"),
                    diarize: true, speakerCount: 2))
            #expect(t.paragraphs.map(\.speaker) == ["agent", "A", "agent"])
            #expect(
                t.paragraphs.map(\.text) == [
                    "Thanks for calling OpenAI support.", "Hi, I'm trying to enable diarization.",
                    "Happy to walk you through the steps.",
                ])
            #expect(t.paragraphs.map(\.start) == [0.0, 4.7, 12.1])
            #expect(t.paragraphs.map(\.end) == [4.7, 11.8, 18.5])
            #expect(t.duration == 27.4)
            #expect(t.text.hasPrefix("Agent: Thanks for calling OpenAI support.\nA: Hi"))
            #expect(t.warnings.map(\.code) == ["parameter_dropped"])
            #expect(t.warnings.first?.message.hasPrefix("speakerCount") == true)
            let form = try Self.form(try #require(server.requests.first))
            #expect(form.map(\.1).dropFirst() == ["gpt-4o-transcribe-diarize", "diarized_json", "auto"])
        }
    }

    @Test("translation: /audio/translations with json; the language is not sent and a warning says why")
    func translation() async throws {
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "application/json")],
                body: Fixture.bytes("voice/openai-audio/translation-whisper-1.json"))
        ]) { server in
            let audio: [UInt8] = Array("OggS".utf8)
            let t = try await Self.client("openai", server).translate(
                TranscriptionRequest(
                    model: "openai/whisper-1", audio: .data(audio, mimeType: "audio/ogg", filename: "german.ogg"),
                    language: "de"))
            #expect(t.text == "Hello, my name is Wolfgang and I come from Germany. Where are you heading today?")
            #expect(t.warnings.map(\.code) == ["parameter_dropped"])
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1/audio/translations")
            let form = try Self.form(req)
            #expect(form.map(\.0) == ["file", "model", "response_format"])
            #expect(form.map(\.1) == ["OggS", "whisper-1", "json"])
            #expect(
                ImageTests.parts(req.body, boundary: String((req.header("content-type") ?? "").dropFirst(30)))
                    .first?.headers.contains("filename=\"german.ogg\"") == true)
        }
    }

    @Test("Groq Whisper: verbose_json words with segments null, the request id from x_groq; under /openai/v1")
    func groq() async throws {
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "application/json")],
                body: Fixture.bytes("voice/groq/transcription-verbose-words.json")),
            CannedResponse(
                headers: [("content-type", "application/json")],
                body: Fixture.bytes("voice/groq/transcription-json.json")),
        ]) { server in
            let llm = Self.client("groq", server, path: "/openai/v1")
            let t = try await llm.transcribe(
                TranscriptionRequest(model: "groq/whisper-large-v3-turbo", audio: .data([9], mimeType: "audio/flac")))
            let fixture = Fixture.json("voice/groq/transcription-verbose-words.json")
            let words = fixture["words"]?.arrayValue ?? []
            #expect(words.count == 83)
            #expect(t.words.count == 83)
            #expect(
                zip(t.words, words).allSatisfy {
                    $0.word == $1["word"]?.stringValue && $0.start == $1["start"]?.doubleValue
                        && $0.end == $1["end"]?.doubleValue
                })
            #expect(t.paragraphs.isEmpty)
            #expect(t.text.hasPrefix("Galileo was an American robotic space program"))
            #expect(t.text.hasSuffix("the first spacecraft to orbit Jupiter."))
            #expect(t.language == "English")
            #expect(t.duration == 36.712501248)
            #expect(t.requestID == "req_01kyq27x28emr9zbm8ny8jcf61")
            // Whisper does not stream: the stream is the whole transcript as one event.
            var events: [TranscriptEvent] = []
            for try await e in llm.transcribeStream(
                TranscriptionRequest(model: "groq/whisper-large-v3", audio: .data([9], mimeType: "audio/flac")))
            {
                events.append(e)
            }
            #expect(
                events == [
                    .done(
                        Transcript(
                            provider: "groq", model: "whisper-large-v3", text: "Hello from the Versal AISDK.",
                            requestID: "req_01kha51bpcezj8q824a6zfchr1"))
                ])
            #expect(
                server.requests.map(\.uri) == ["/openai/v1/audio/transcriptions", "/openai/v1/audio/transcriptions"])
            #expect(server.requests.allSatisfy { $0.header("authorization") == "Bearer sk-test" })
            let form = try Self.form(server.requests[0])
            #expect(form.map(\.1).dropFirst() == ["whisper-large-v3-turbo", "verbose_json", "word", "segment"])
        }
    }

    @Test("upload progress: reported per 64 KiB chunk, increasing, ending at the body's size; the body arrives intact")
    func progress() async throws {
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var values: [UploadProgress] = []
            func add(_ p: UploadProgress) { lock.withLock { values.append(p) } }
        }
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "application/json")],
                body: Fixture.bytes("voice/openai-audio/transcription-gpt-4o-transcribe-json.json"))
        ]) { server in
            let audio = SpeechTests.audio(300_000, seed: 7)
            let seen = Seen()
            _ = try await Self.client("openai", server).transcribe(
                TranscriptionRequest(model: "openai/gpt-4o-transcribe", audio: .data(audio, mimeType: "audio/wav")),
                progress: { seen.add($0) })
            let req = try #require(server.requests.first)
            let values = seen.lock.withLock { seen.values }
            #expect(values.count == (req.body.count + 65535) / 65536)
            #expect(values.last == UploadProgress(sent: req.body.count, total: req.body.count))
            #expect(zip(values, values.dropFirst()).allSatisfy { $0.sent < $1.sent })
            #expect(values.allSatisfy { $0.total == req.body.count })
            let file = ImageTests.parts(
                req.body, boundary: String((req.header("content-type") ?? "").dropFirst(30))
            ).first
            #expect(file?.content == audio)
            #expect(req.header("content-length") == String(req.body.count))
        }
    }

    @Test("a URL is refused for OpenAI-style transcription with what to do instead; providers without it are named")
    func refusals() async throws {
        let llm = LLMKit(providers: ["openai": ProviderSettings(apiKey: "k")], environment: [:], retry: .none)
        await #expect(throws: LLMError.self) {
            _ = try await llm.transcribe(
                TranscriptionRequest(model: "openai/whisper-1", audio: .url("https://example.com/a.mp3")))
        }
        do {
            _ = try await llm.translate(
                TranscriptionRequest(model: "anthropic/claude-sonnet-4-5", audio: .data([1], mimeType: "audio/wav")))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unsupported || error.kind == .notConfigured)
        }
    }
}
