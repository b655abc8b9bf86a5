import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Veo operations that end without a video (documented shapes, Fixtures/media/google/SOURCE.md) and Runware's
/// async imageInference polled with getResponse (documented examples, Fixtures/media/runware/SOURCE.md).
@Suite("Job outcomes: failed Veo operations, Runware async images")
struct JobOutcomeTests {
    static let operation = "models/veo-2.0-generate-001/operations/hhgacp02zklk"

    static func gemini(_ server: LoopbackServer) -> LLMKit {
        LLMKit(
            providers: ["gemini": ProviderSettings(apiKey: "g-key", baseURL: server.baseURL)], environment: [:],
            retry: .none)
    }

    @Test("Veo (Gemini API): done with google.rpc.Status error -> failed with code and message; wait throws .server")
    func veoOperationError() async throws {
        try await LoopbackServer.with([
            Fixture.response("media/google", "veo-gemini-operation-error-docs", ext: "json"),
            Fixture.response(
                "media/google", "veo-gemini-operation-error-docs", ext: "json", delivery: .randomSplits(seed: 2)),
        ]) { server in
            let job = try Self.gemini(server).job(id: "gemini:\(Self.operation)")
            let s = try await job.status()
            #expect(s.state == .failed)
            #expect(s.error == "INVALID_ARGUMENT (3): ERROR_MESSAGE")
            #expect(s.outputs.isEmpty)
            let e = await llmError { _ = try await job.wait(pollInterval: .milliseconds(1)) }
            #expect(e?.kind == .server)
            #expect(e?.message == "job gemini:\(Self.operation) failed: INVALID_ARGUMENT (3): ERROR_MESSAGE")
            #expect(server.requests.map(\.uri) == ["/v1beta/\(Self.operation)", "/v1beta/\(Self.operation)"])
        }
    }

    @Test("Veo (Gemini API and Vertex): RAI-filtered samples -> failed 'safety filter', wait throws .contentFiltered")
    func veoFiltered() async throws {
        try await LoopbackServer.with([
            Fixture.response("media/google", "veo-gemini-operation-rai-filtered-docs", ext: "json")
        ]) { server in
            let job = try Self.gemini(server).job(id: "gemini:\(Self.operation)")
            let e = await llmError { _ = try await job.wait(pollInterval: .milliseconds(1)) }
            #expect(e?.kind == .contentFiltered)
            #expect(
                e?.message
                    == "job gemini:\(Self.operation) failed: safety filter (1 video removed): RAI_FILTERED_REASON")
        }
        try await LoopbackServer.with([
            Fixture.response("media/google", "veo-vertex-fetchPredictOperation-rai-filtered-docs", ext: "json")
        ]) { server in
            let llm = LLMKit(
                environment: [
                    "GOOGLE_CLOUD_PROJECT": "PROJECT_ID", "GOOGLE_CLOUD_LOCATION": "us-central1",
                    "VERTEX_ACCESS_TOKEN": "ya29.token", "VERTEX_BASE_URL": server.baseURL,
                ], retry: .none)
            let name =
                "projects/PROJECT_ID/locations/us-central1/publishers/google/models/MODEL_ID/operations/OPERATION_ID"
            let s = try await llm.job(id: "vertex:\(name)").status()
            #expect(s.state == .failed)
            #expect(s.error == "safety filter (1 video removed): RAI_FILTERED_REASON")
            #expect(
                server.requests.first?.uri
                    == "/v1/projects/PROJECT_ID/locations/us-central1/publishers/google/models/MODEL_ID:fetchPredictOperation"
            )
            #expect(server.requests.first?.json == ["operationName": .string(name)])
        }
    }

    @Test("Runware: async imageInference acknowledged, then getResponse (after a 429) returns the image URL")
    func runwareAsyncImage() async throws {
        let task = "a770f077-f413-47de-9dac-be0b26a35da6"
        try await LoopbackServer.with([
            MediaJobTests.response("runware/videoInference-ack-docs"), MediaJobTests.rateLimited,
            Fixture.response(
                "media/runware", "imageInference-result-docs", ext: "json", delivery: .randomSplits(seed: 4)),
        ]) { server in
            let llm = MediaJobTests.client(server, "runware", key: "rw_test", retry: RetryPolicy(maxRetries: 1))
            let job = try await llm.submit(
                GenerationRequest(
                    model: "runware/runware:101@1",
                    input: [
                        "taskUUID": .string(task), "positivePrompt": "a serene landscape with mountains and a lake",
                        "width": 1024, "height": 1024, "outputType": "URL", "outputFormat": "JPG",
                        "includeCost": true,
                    ]))
            #expect(job.id == "runware:\(task)")
            let done = try await job.wait(pollInterval: .milliseconds(1))
            #expect(done.state == .succeeded)
            #expect(
                done.outputs == [
                    MediaOutput(
                        url: "https://im.runware.ai/image/ws/0.5/ii/a770f077-f413-47de-9dac-be0b26a35da6.jpg",
                        mimeType: "image/jpeg")
                ])
            let r = server.requests
            #expect(r.count == 3)
            #expect(r.allSatisfy { $0.uri == "/v1" && $0.method == "POST" })
            #expect(r.allSatisfy { $0.header("authorization") == "Bearer rw_test" })
            #expect(
                r[0].json == [
                    [
                        "taskType": "imageInference", "taskUUID": .string(task), "model": "runware:101@1",
                        "deliveryMethod": "async", "positivePrompt": "a serene landscape with mountains and a lake",
                        "width": 1024, "height": 1024, "outputType": "URL", "outputFormat": "JPG", "includeCost": true,
                    ]
                ])
            #expect(r[1].json == [["taskType": "getResponse", "taskUUID": .string(task)]])
            #expect(r[2].json == r[1].json)
        }
    }
}

@Suite("Images: Runware sync delivery")
struct RunwareSyncImageTests {
    static let task = "a770f077-f413-47de-9dac-be0b26a35da6"

    @Test("generateImage sends one imageInference task with sync delivery and reads the image URL from the answer")
    func syncImage() async throws {
        try await LoopbackServer.with([
            Fixture.response("media/runware", "imageInference-result-docs", ext: "json"),
            Fixture.response(
                "media/runware", "imageInference-result-docs", ext: "json", delivery: .randomSplits(seed: 5)),
        ]) { server in
            let llm = LLMKit(
                providers: ["runware": ProviderSettings(apiKey: "rw_test", baseURL: server.baseURL)],
                environment: [:], retry: .none)
            let request = ImageRequest(
                model: "runware/runware:101@1", prompt: "a lighthouse at dusk", count: 1, size: "1024x768",
                quality: "high", outputFormat: "jpeg", negativePrompt: "blurry", seed: 42,
                extra: ["taskUUID": .string(Self.task), "steps": 28])
            let r = try await llm.generateImage(request)
            #expect(
                r.images == [
                    GeneratedImage(
                        url: "https://im.runware.ai/image/ws/0.5/ii/a770f077-f413-47de-9dac-be0b26a35da6.jpg",
                        mimeType: "image/jpeg")
                ])
            #expect(r.provider == "runware" && r.model == "runware:101@1")
            #expect(r.warnings.map(\.message) == ["quality: not mapped for Runware images; not sent"])
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1")
            #expect(req.header("authorization") == "Bearer rw_test")
            #expect(
                req.json
                    == [
                        [
                            "taskType": "imageInference", "taskUUID": .string(Self.task), "model": "runware:101@1",
                            "positivePrompt": "a lighthouse at dusk", "deliveryMethod": "sync", "outputType": "URL",
                            "numberResults": 1, "width": 1024, "height": 768, "outputFormat": "JPG",
                            "negativePrompt": "blurry", "seed": 42, "steps": 28,
                        ]
                    ])
            // Without a chosen task id the answer's task does not match ours: no image is taken from it.
            let other = await llmError {
                _ = try await llm.generateImage(ImageRequest(model: "runware/runware:101@1", prompt: "x"))
            }
            #expect(other?.kind == .decoding)
        }
    }
}
