import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// AssemblyAI transcripts (upload, submit, poll), replayed from AssemblyAI's API reference examples, its docs'
/// printed answers, and SDK test bodies (Fixtures/voice/assemblyai/SOURCE.md).
@Suite("Transcription (AssemblyAI)")
struct AssemblyAITests {
    static let id = "9ea68fd3-f953-42c1-9742-976c447fb463"
    static let uploadURL = "https://cdn.assemblyai.com/upload/f756988d-47e2-4ca3-96ce-04bb168f8f2a"

    static func answer(_ name: String, delivery: CannedResponse.Delivery = .whole) -> CannedResponse {
        let folder = "voice/assemblyai"
        var status = 200
        var headers = [("content-type", "application/json")]
        if Fixture.exists("\(folder)/\(name).headers.json") {
            let h = Fixture.json("\(folder)/\(name).headers.json")
            status = h["status"]?.intValue ?? 200
            for (k, v) in h["headers"]?.objectValue ?? [] { headers.append((k, v.stringValue ?? "")) }
        } else if name.hasPrefix("error-") {
            status = Int(name.split(separator: "-")[1]) ?? 400
        }
        return CannedResponse(
            status: status, headers: headers, body: Fixture.bytes("\(folder)/\(name).json"), delivery: delivery)
    }

    static func client(_ server: LoopbackServer, retry: RetryPolicy = .none) -> LLMKit {
        LLMKit(
            providers: ["assemblyai": ProviderSettings(apiKey: "aai-test-key", baseURL: server.baseURL)],
            environment: [:], retry: retry)
    }

    // The wait is long on purpose: a loaded parallel test run serves the loopback slowly (CI saw 80 s).
    static let fast = (poll: Duration.milliseconds(5), timeout: Duration.seconds(600))

    @Test("bytes: upload, submit, poll queued -> processing -> 429 (retry-after) -> completed; full transcript")
    func lifecycle() async throws {
        let audio = Array("RIFF\u{24}\u{0}\u{0}\u{0}WAVEfmt ".utf8)
        try await LoopbackServer.with([
            Self.answer("upload"), Self.answer("transcript-queued"), Self.answer("transcript-queued"),
            Self.answer("transcript-processing"), Self.answer("error-429"),
            Self.answer("transcript-completed", delivery: .randomSplits(seed: 11)),
        ]) { server in
            let llm = Self.client(server, retry: RetryPolicy(maxRetries: 2))
            let r = try await llm.transcribe(
                TranscriptionRequest(
                    model: "assemblyai/universal-3-pro", audio: .data(audio, mimeType: "audio/wav"), language: "en-US",
                    diarize: true, keyterms: ["Peter DeCarlo", "Johns Hopkins"], speakerCount: 2,
                    pollInterval: Self.fast.poll, timeout: Self.fast.timeout))
            let reqs = server.requests
            try #require(reqs.count == 6)
            #expect(reqs.allSatisfy { $0.header("authorization") == "aai-test-key" })
            #expect(reqs[0].method == "POST")
            #expect(reqs[0].uri == "/v2/upload")
            #expect(reqs[0].header("content-type") == "application/octet-stream")
            #expect(reqs[0].body == audio)
            #expect(reqs[1].method == "POST")
            #expect(reqs[1].uri == "/v2/transcript")
            #expect(reqs[1].header("content-type") == "application/json")
            let body = try #require(reqs[1].json)
            #expect(
                body.objectValue?.map(\.key) == [
                    "audio_url", "speech_models", "language_code", "punctuate", "format_text", "speaker_labels",
                    "speakers_expected", "keyterms_prompt",
                ])
            #expect(body["audio_url"] == .string(Self.uploadURL))
            #expect(body["speech_models"] == ["universal-3-pro"])
            #expect(body["language_code"] == "en_us")
            #expect(body["punctuate"] == true)
            #expect(body["format_text"] == true)
            #expect(body["speaker_labels"] == true)
            #expect(body["speakers_expected"] == 2)
            #expect(body["keyterms_prompt"] == ["Peter DeCarlo", "Johns Hopkins"])
            for poll in reqs[2...] {
                #expect(poll.method == "GET")
                #expect(poll.uri == "/v2/transcript/\(Self.id)")
                #expect(poll.body.isEmpty)
            }

            let fixture = Fixture.json("voice/assemblyai/transcript-completed.json")
            #expect(r.provider == "assemblyai")
            #expect(r.model == "universal-3-pro")
            #expect(r.requestID == Self.id)
            #expect(r.text == fixture["text"]?.stringValue)
            #expect(r.text.hasPrefix("Smoke from hundreds of wildfires in Canada"))
            #expect(r.confidence == 0.9404651451800253)
            #expect(r.duration == 281)
            #expect(r.language == "en_us")
            #expect(r.languageConfidence == 0.9959)
            #expect(r.warnings.isEmpty)
            #expect(r.audioEvents == nil)
            let words = fixture["words"]?.arrayValue ?? []
            #expect(words.count == 15)
            #expect(r.words.count == words.count)
            for (got, want) in zip(r.words, words) {
                #expect(got.word == want["text"]?.stringValue)
                #expect(got.start == (want["start"]?.doubleValue ?? -1) / 1000)
                #expect(got.end == (want["end"]?.doubleValue ?? -1) / 1000)
                #expect(got.confidence == want["confidence"]?.doubleValue)
                #expect(got.speaker == nil)  // the example's words carry "speaker": null
            }
            #expect(r.words.first == Transcript.Word(word: "Smoke", start: 0.25, end: 0.65, confidence: 0.97465))
            let utterances = fixture["utterances"]?.arrayValue ?? []
            #expect(
                r.paragraphs
                    == utterances.map {
                        Transcript.Paragraph(
                            text: $0["text"]?.stringValue ?? "", start: ($0["start"]?.doubleValue ?? -1) / 1000,
                            end: ($0["end"]?.doubleValue ?? -1) / 1000, speaker: $0["speaker"]?.stringValue)
                    })
            #expect(r.paragraphs.first?.speaker == "A")
            #expect(r.paragraphs.first?.start == 0.25)
            #expect(r.paragraphs.first?.end == 26.95)
        }
    }

    @Test("a URL is submitted as is; language detection, legacy best, warnings; status error throws its reason")
    func statusError() async throws {
        try await LoopbackServer.with([
            Self.answer("transcript-queued"), Self.answer("transcript-completed"), Self.answer("transcript-queued"),
            Self.answer("transcript-processing"), Self.answer("transcript-error"),
        ]) { server in
            let llm = Self.client(server)
            let request = TranscriptionRequest(
                model: "assemblyai/best", audio: .url("https://foo.bar"), smartFormat: false, paragraphs: true,
                speakerCount: 3, audioEvents: true, pollInterval: Self.fast.poll, timeout: Self.fast.timeout)
            let r = try await llm.transcribe(request)
            #expect(r.model == "best")
            #expect(r.warnings.map(\.code) == ["parameter_dropped", "parameter_dropped", "parameter_dropped"])
            #expect(
                r.warnings.map(\.message) == [
                    "speakerCount needs diarize; speakers_expected not sent",
                    "AssemblyAI paragraphs come from speaker turns (utterances); set diarize to get them",
                    "AssemblyAI has no audio-event switch (Universal-3 Pro tags events in the text itself)",
                ])
            #expect(r.paragraphs.count == 1)  // the example answer has utterances regardless
            let e = await llmError { _ = try await llm.transcribe(request) }
            #expect(e?.kind == .invalidRequest)
            #expect(e?.provider == "assemblyai")
            #expect(e?.requestID == Self.id)
            #expect(e?.providerCode == "error")
            #expect(
                e?.message
                    == "AssemblyAI could not transcribe \(Self.id): Download error, unable to download https://foo.bar. Please make sure the file exists and is accessible from the internet. (the audio URL must be publicly reachable; or pass the audio as bytes to upload it)"
            )
            let reqs = server.requests
            try #require(reqs.count == 5)
            for submit in [reqs[0], reqs[2]] {
                #expect(submit.uri == "/v2/transcript")
                #expect(
                    submit.json == [
                        "audio_url": "https://foo.bar", "speech_model": "best", "language_detection": true,
                        "punctuate": false, "format_text": false,
                    ])
            }
            #expect([reqs[1], reqs[3], reqs[4]].allSatisfy { $0.uri == "/v2/transcript/\(Self.id)" })
        }
    }

    @Test("resume by id: polls at once; the model comes from the answer (null here); other providers refuse")
    func resume() async throws {
        try await LoopbackServer.with([Self.answer("transcript-processing"), Self.answer("transcript-completed")]) {
            server in
            let llm = Self.client(server)
            let r = try await llm.transcript(id: Self.id, pollInterval: Self.fast.poll)
            #expect(r.requestID == Self.id)
            #expect(r.model == "")
            #expect(r.words.count == 15)
            #expect(server.requests.map(\.uri) == Array(repeating: "/v2/transcript/\(Self.id)", count: 2))
            let other = await llmError {
                _ = try await LLMKit(environment: ["ELEVENLABS_API_KEY": "k"]).transcript(
                    id: "x", provider: "elevenlabs")
            }
            #expect(other?.kind == .unsupported)
        }
    }

    @Test("timeout: the error carries the transcript id and says how to resume")
    func timeout() async throws {
        try await LoopbackServer.with([
            Self.answer("transcript-queued"), Self.answer("transcript-processing"),
            Self.answer("transcript-processing"),
        ]) { server in
            let e = await llmError {
                _ = try await Self.client(server).transcribe(
                    TranscriptionRequest(
                        model: "assemblyai/universal-2", audio: .url("https://assembly.ai/wildfires.mp3"),
                        pollInterval: .milliseconds(30), timeout: .milliseconds(50)))
            }
            #expect(e?.kind == .timeout)
            #expect(e?.timeoutPhase == .total)
            #expect(e?.requestID == Self.id)
            #expect(e?.message.contains("LLMKit.transcript(id: \"\(Self.id)\", provider: \"assemblyai\")") == true)
            #expect(server.requests.count == 2)
        }
    }

    @Test("errors: bad key on upload, unknown id, 429 past the retries, malformed JSON, an answer without id")
    func errors() async throws {
        try await LoopbackServer.with([
            Self.answer("error-401"), Self.answer("error-400-transcript-not-found"), Self.answer("error-429"),
            CannedResponse(status: 200, headers: [], body: Array(#"{"id": "9ea6", "status": "comp"#.utf8)),
            CannedResponse(status: 200, headers: [], body: Array(#"{"status":"queued"}"#.utf8)),
        ]) { server in
            let llm = Self.client(server)
            let key = await llmError {
                _ = try await llm.transcribe(
                    TranscriptionRequest(
                        model: "assemblyai/universal-2", audio: .data([1, 2, 3], mimeType: "audio/wav")))
            }
            #expect(key?.kind == .authentication)
            #expect(key?.message == "Authentication error, API token missing/invalid (check ASSEMBLYAI_API_KEY)")
            #expect(key?.description.contains("aai-test-key") == false)
            let unknown = await llmError { _ = try await llm.transcript(id: "nope") }
            #expect(unknown?.kind == .invalidRequest)
            #expect(unknown?.message == "Transcript lookup error, transcript id not found")
            let limited = await llmError { _ = try await llm.transcript(id: Self.id) }
            #expect(limited?.kind == .rateLimited)
            #expect(limited?.retryAfter == .zero)
            #expect(limited?.message == "Too Many Requests")
            let broken = await llmError { _ = try await llm.transcript(id: Self.id) }
            #expect(broken?.kind == .decoding)
            let noID = await llmError {
                _ = try await llm.transcribe(
                    TranscriptionRequest(model: "assemblyai/universal-2", audio: .url("https://foo.bar")))
            }
            #expect(noID?.kind == .decoding)
            #expect(noID?.message.contains("without a transcript id and status") == true)
        }
    }
}
