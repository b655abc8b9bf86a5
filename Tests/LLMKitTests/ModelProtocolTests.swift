import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Application code written against one modality's protocol runs on the real client and on
/// LLMKitTesting's scripted models alike.
@Suite("Model protocols and scripted models")
struct ModelProtocolTests {
    /// What an application would write: it needs something that transcribes, nothing more.
    static func caption(_ audio: [UInt8], model: String, using m: some TranscriptionModel) async throws(LLMError)
        -> String
    {
        let t = try await m.transcribe(TranscriptionRequest(model: model, audio: .data(audio, mimeType: "audio/flac")))
        return "[\(t.provider)] \(t.text)"
    }

    @Test("the same function runs on LLMKit (a replayed Groq answer) and on a scripted model")
    func sameCodeBothWays() async throws {
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "application/json")],
                body: Fixture.bytes("voice/groq/transcription-json.json"))
        ]) { server in
            let llm = LLMKit(
                providers: ["groq": ProviderSettings(apiKey: "k", baseURL: server.baseURL + "/openai/v1")],
                environment: [:], retry: .none)
            let real = try await Self.caption([1], model: "groq/whisper-large-v3", using: llm.transcription)
            #expect(real == "[groq] Hello from the Versal AISDK.")
        }
        let scripted = ScriptedTranscriptionModel([
            .success(Transcript(provider: "test", model: "m", text: "scripted words")),
            .failure(LLMError(.rateLimited, "slow down", provider: "test")),
        ])
        #expect(try await Self.caption([1, 2], model: "test/m", using: scripted) == "[test] scripted words")
        await #expect(throws: LLMError.self) { try await Self.caption([3], model: "test/m", using: scripted) }
        do {
            _ = try await Self.caption([4], model: "test/m", using: scripted)
            Issue.record("a script with no answers left must throw")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.message.contains("no answer left"))
        }
        #expect(
            scripted.script.requests.map(\.audio) == [
                .data([1, 2], mimeType: "audio/flac"), .data([3], mimeType: "audio/flac"),
                .data([4], mimeType: "audio/flac"),
            ])
    }

    @Test("llm.video resumes a stored job id; a malformed id or an unknown provider says what is wrong")
    func videoJobByID() throws {
        let llm = LLMKit(providers: ["replicate": ProviderSettings(apiKey: "r")], environment: [:])
        let job = try llm.video.job(id: "replicate:ufawqhfynnddngldkgtslldrkq")
        #expect(job.id == "replicate:ufawqhfynnddngldkgtslldrkq")
        #expect(throws: LLMError.self) { try llm.video.job(id: "no-colon") }
        do {
            _ = try llm.video.job(id: "nosuchprovider:abc")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .notConfigured || error.kind == .invalidRequest)
            #expect(error.message.contains("nosuchprovider"))
        }
    }

    @Test("scripted image, speech and embedding models answer in order and record requests")
    func scriptedModalities() async throws {
        let images = ScriptedImageModel([
            .success(
                ImageResponse(
                    model: "m", provider: "t", images: [GeneratedImage(data: [0x89, 0x50], mimeType: "image/png")],
                    usage: nil))
        ])
        let r = try await images.generateImage(ImageRequest(model: "t/m", prompt: "a fox"))
        #expect(r.images.first?.data == [0x89, 0x50])
        #expect(images.script.requests.map(\.prompt) == ["a fox"])
        let speech = ScriptedSpeechModel([.failure(LLMError(.contentFiltered, "no", provider: "t"))])
        do {
            _ = try await speech.speak(SpeechRequest(model: "t/m", text: "hi"))
            Issue.record("expected the scripted error")
        } catch {
            #expect(error.kind == .contentFiltered)
        }
        let embed = ScriptedEmbeddingModel([
            .success(EmbeddingResponse(model: "m", provider: "t", embeddings: [[0.25, -0.5]], usage: nil))
        ])
        #expect(try await embed.embed(EmbeddingRequest(model: "t/m", inputs: ["x"])).embeddings == [[0.25, -0.5]])
    }
}

@Suite("Scripted video jobs")
struct ScriptedVideoTests {
    /// What an application would write: submit, keep the id, wait for the result.
    static func film(_ prompt: String, using m: some VideoModel) async throws(LLMError) -> (String, [MediaOutput]) {
        let job = try await m.generateVideo(VideoRequest(model: "any/model", prompt: prompt))
        return (job.id, try await job.result(timeout: .seconds(600), pollInterval: .milliseconds(1)))
    }

    @Test("a job runs through its scripted states; result() returns the outputs; the id resumes it; cancel and failure")
    func lifecycle() async throws {
        let done = JobStatus(
            id: "scripted:1", state: .succeeded, progress: 1,
            outputs: [MediaOutput(url: "https://example.com/v.mp4", mimeType: "video/mp4")])
        let model = ScriptedVideoModel([
            .success([
                JobStatus(id: "scripted:1", state: .queued),
                JobStatus(id: "scripted:1", state: .running, progress: 0.5),
                done,
            ]),
            .success([JobStatus(id: "scripted:2", state: .running)]),
            .success([JobStatus(id: "scripted:3", state: .failed, error: "NSFW content detected")]),
        ])
        let (id, outputs) = try await Self.film("a fox", using: model)
        #expect(id == "scripted:1")
        #expect(outputs == done.outputs)
        var seen: [JobState] = []
        for try await s in try model.job(id: id).updates(pollInterval: .milliseconds(1)) { seen.append(s.state) }
        #expect(seen == [.succeeded])
        let second = try await model.generateVideo(VideoRequest(model: "any/model", prompt: "a cat"))
        #expect(try await second.status().state == .running)
        #expect(try await second.cancel().state == .canceled)
        do {
            _ = try await second.wait(timeout: .seconds(600), pollInterval: .milliseconds(1))
            Issue.record("a canceled job must throw")
        } catch {
            #expect(error.kind == .cancelled)
        }
        do {
            _ = try await Self.film("something", using: model)
            Issue.record("a failed job must throw")
        } catch {
            #expect(error.kind == .contentFiltered)
            #expect(error.message.contains("NSFW content detected"))
        }
        #expect(model.script.requests.map(\.prompt) == ["a fox", "a cat", "something"])
        #expect(throws: LLMError.self) { try model.job(id: "scripted:404") }
    }
}

@Suite("Speech model listing (ElevenLabs)")
struct SpeechModelListingTests {
    @Test("GET /v1/models with the key header; every documented field read; other providers refused")
    func elevenLabsModels() async throws {
        try await LoopbackServer.with([
            Fixture.response("voice/tts-elevenlabs", "models-docs", ext: "json", delivery: .randomSplits(seed: 9))
        ]) { server in
            let llm = LLMKit(
                providers: ["elevenlabs": ProviderSettings(apiKey: "xi-test", baseURL: server.baseURL)],
                environment: [:], retry: .none)
            let models = try await llm.speechModels(provider: "elevenlabs")
            #expect(
                models == [
                    SpeechModelInfo(
                        id: "string", name: "string", description: "string", textToSpeech: true,
                        voiceConversion: true, languages: [.init(id: "string", name: "string")], maxCharacters: 1,
                        costFactor: 1.1)
                ])
            let req = try #require(server.requests.first)
            #expect(req.method == "GET" && req.uri == "/v1/models")
            #expect(req.header("xi-api-key") == "xi-test")
        }
        let other = await llmError {
            _ = try await LLMKit(providers: ["openai": ProviderSettings(apiKey: "k")], environment: [:])
                .speechModels(provider: "openai")
        }
        #expect(other?.kind == .unsupported)
    }
}
