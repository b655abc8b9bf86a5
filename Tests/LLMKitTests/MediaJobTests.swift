import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// fal, Runware and Luma jobs replayed from the vendors' printed examples
/// (Fixtures/media/{fal,runware,luma}/SOURCE.md).
@Suite("Jobs (fal, Runware, Luma)")
struct MediaJobTests {
    static func response(_ path: String, status: Int = 200, headers: [(String, String)] = []) -> CannedResponse {
        CannedResponse(
            status: status, headers: [("content-type", "application/json")] + headers,
            body: Fixture.bytes("media/\(path).json"))
    }

    static let rateLimited = CannedResponse(status: 429, headers: [("retry-after", "0")], body: [])

    static func client(_ server: LoopbackServer, _ provider: String, key: String, retry: RetryPolicy = .none) -> LLMKit
    {
        LLMKit(
            providers: [provider: ProviderSettings(apiKey: key, baseURL: server.baseURL)], environment: [:],
            retry: retry)
    }

    // MARK: - fal

    static let falRequest = "80e732af-660e-45cd-bd63-580e4f2a94cc"
    static let luminaImage = MediaOutput(
        url: "https://v3.fal.media/files/rabbit/pBwaEZysJhnstKWEHGpLc.png", mimeType: "image/jpeg")

    @Test("fal: submit, then IN_QUEUE -> IN_PROGRESS -> COMPLETED and the result's images")
    func falLifecycle() async throws {
        try await LoopbackServer.with([
            Self.response("fal/queue-submit-docs"), Self.response("fal/status-in-queue-docs"),
            Self.response("fal/status-in-progress-logs-docs"), Self.response("fal/status-completed-docs"),
            Self.response("fal/result-images-lumina-v2-example"),
        ]) { server in
            let llm = Self.client(server, "fal", key: "fal_test")
            let job = try await llm.submit(GenerationRequest(model: "fal/fal-ai/fast-sdxl", input: ["prompt": "a cat"]))
            #expect(job.id == "fal:fal-ai/fast-sdxl:\(Self.falRequest)")
            var states: [JobState] = []
            var last: JobStatus?
            for try await s in job.updates(pollInterval: .milliseconds(5)) {
                states.append(s.state)
                last = s
            }
            #expect(states == [.queued, .running, .succeeded])
            #expect(last?.outputs == [Self.luminaImage])
            #expect(last?.progress == 1)
            #expect(last?.id == job.id)
            let r = server.requests
            try #require(r.count == 5)
            #expect(r[0].method == "POST")
            #expect(r[0].uri == "/fal-ai/fast-sdxl")
            #expect(r[0].json == ["prompt": "a cat"])
            #expect(r[0].header("content-type") == "application/json")
            for request in r {
                #expect(request.header("authorization") == "Key fal_test")
            }
            for request in r[1...3] {
                #expect(request.method == "GET")
                #expect(request.uri == "/fal-ai/fast-sdxl/requests/\(Self.falRequest)/status?logs=1")
                #expect(request.body.isEmpty)
            }
            #expect(r[4].method == "GET")
            #expect(r[4].uri == "/fal-ai/fast-sdxl/requests/\(Self.falRequest)")
        }
    }

    @Test("fal: the app comes from the returned URLs; a content_policy_violation result fails as contentFiltered")
    func falFailure() async throws {
        #expect(FalJobs.app("fal-ai/flux/dev") == "fal-ai/flux")
        #expect(FalJobs.app(fromURL: "https://queue.fal.run/fal-ai/flux/requests/x/status") == "fal-ai/flux")
        try await LoopbackServer.with([
            Self.response("fal/queue-submit-in-queue"), Self.response("fal/status-completed-docs"),
            Self.response("fal/error-content-policy-violation-docs", status: 422),
        ]) { server in
            let llm = Self.client(server, "fal", key: "fal_test")
            let job = try await llm.submit(GenerationRequest(model: "fal/fal-ai/wizper", input: ["prompt": "x"]))
            #expect(job.id == "fal:fal-ai/wizper:test-id")
            let e = await llmError { _ = try await job.wait(pollInterval: .milliseconds(5)) }
            #expect(e?.kind == .contentFiltered)
            #expect(
                e?.message
                    == "job fal:fal-ai/wizper:test-id failed: safety filter (content_policy_violation): The content could not be processed because it contained material flagged by a content checker."
            )
            #expect(
                server.requests.map(\.uri) == [
                    "/fal-ai/wizper", "/fal-ai/wizper/requests/test-id/status?logs=1",
                    "/fal-ai/wizper/requests/test-id",
                ])
        }
    }

    @Test("fal: a resumed job, a 429 retried while polling; cancel requested, and already completed")
    func falResumeRetryCancel() async throws {
        let id = "fal:fal-ai/fast-sdxl:\(Self.falRequest)"
        try await LoopbackServer.with([
            Self.rateLimited, Self.response("fal/status-completed-docs"), Self.response("fal/result-completed-docs"),
        ]) { server in
            let llm = Self.client(server, "fal", key: "fal_test", retry: RetryPolicy(maxRetries: 2))
            let s = try await llm.job(id: id).wait(pollInterval: .milliseconds(5))
            #expect(s == JobStatus(id: id, state: .succeeded, progress: 1, outputs: []))
            #expect(server.requests.count == 3)
            #expect(server.requests[1].uri == server.requests[0].uri)
        }
        try await LoopbackServer.with([Self.response("fal/cancel-requested-docs", status: 202)]) { server in
            let s = try await Self.client(server, "fal", key: "fal_test").job(id: id).cancel()
            #expect(s == JobStatus(id: id, state: .canceled, error: "fal: CANCELLATION_REQUESTED"))
            #expect(server.requests.first?.method == "PUT")
            #expect(server.requests.first?.uri == "/fal-ai/fast-sdxl/requests/\(Self.falRequest)/cancel")
            #expect(server.requests.first?.header("authorization") == "Key fal_test")
        }
        try await LoopbackServer.with([
            Self.response("fal/cancel-already-completed-docs", status: 400), Self.response("fal/status-completed-docs"),
            Self.response("fal/result-images-lumina-v2-example"),
        ]) { server in
            let s = try await Self.client(server, "fal", key: "fal_test").job(id: id).cancel()
            #expect(s == JobStatus(id: id, state: .succeeded, progress: 1, outputs: [Self.luminaImage]))
            #expect(server.requests.map(\.method) == ["PUT", "GET", "GET"])
        }
        let malformed = await llmError {
            _ = try await LLMKit(environment: ["FAL_KEY": "k"]).job(id: "fal:no-request").status()
        }
        #expect(malformed?.kind == .invalidRequest)
    }

    @Test("fal: generateImage submits and waits; sizes become image_size")
    func falGenerateImage() async throws {
        try await LoopbackServer.with([
            Self.response("fal/queue-submit-docs"), Self.response("fal/status-completed-docs"),
            Self.response("fal/result-images-lumina-v2-example"),
        ]) { server in
            let r = try await Self.client(server, "fal", key: "fal_test").generateImage(
                ImageRequest(model: "fal/fal-ai/lumina-image/v2", prompt: "a cat", count: 1, size: "1024x768"))
            #expect(r.provider == "fal")
            #expect(r.model == "fal-ai/lumina-image/v2")
            #expect(r.images == [GeneratedImage(url: Self.luminaImage.url, mimeType: "image/jpeg")])
            #expect(r.warnings.isEmpty)
            #expect(server.requests.first?.uri == "/fal-ai/lumina-image/v2")
            #expect(
                server.requests.first?.json
                    == ["prompt": "a cat", "num_images": 1, "image_size": ["width": 1024, "height": 768]])
        }
    }

    // MARK: - Runware

    static let task = "24cd5dff-cb81-4db5-8506-b72a9425f9d1"
    static let runwareVideo = MediaOutput(
        url: "https://im.runware.ai/video/ws/0.5/vi/b7db282d-2943-4f12-992f-77df3ad3ec71.mp4", mimeType: "video/mp4")

    @Test("Runware: async videoInference, getResponse processing -> (429) -> success")
    func runwareLifecycle() async throws {
        let documented = Fixture.json("media/runware/videoInference-request-text-to-video-docs.json")
        let input = JSONValue.object((documented.objectValue ?? []).filter { $0.key != "model" })
        try await LoopbackServer.with([
            Self.response("runware/videoInference-ack-docs"), Self.response("runware/getResponse-processing-docs"),
            Self.rateLimited, Self.response("runware/getResponse-success-docs"),
        ]) { server in
            let llm = Self.client(server, "runware", key: "rw_test", retry: RetryPolicy(maxRetries: 2))
            let job = try await llm.submit(GenerationRequest(model: "runware/klingai:5@3", input: input))
            #expect(job.id == "runware:\(Self.task)")
            var states: [JobState] = []
            var last: JobStatus?
            for try await s in job.updates(pollInterval: .milliseconds(5)) {
                states.append(s.state)
                last = s
            }
            #expect(states == [.running, .succeeded])
            #expect(last?.outputs == [Self.runwareVideo])
            let r = server.requests
            try #require(r.count == 4)
            #expect(r.allSatisfy { $0.method == "POST" && $0.uri == "/v1" })
            #expect(r.allSatisfy { $0.header("authorization") == "Bearer rw_test" })
            #expect(r[0].json == [documented.setting("deliveryMethod", "async")])
            for poll in r.dropFirst() {
                #expect(poll.json == [["taskType": "getResponse", "taskUUID": .string(Self.task)]])
            }
        }
    }

    @Test("Runware: a failed task (errors[]), a rejected submit, a bad key; no cancel")
    func runwareFailures() async throws {
        try await LoopbackServer.with([
            Self.response("runware/getResponse-error-timeoutProvider-docs"),
            Self.response("runware/videoInference-error-unsupportedDuration-docs", status: 400),
            Self.response("runware/error-invalidApiKey-docs", status: 401),
        ]) { server in
            let llm = Self.client(server, "runware", key: "rw_test")
            let job = try llm.job(id: "runware:\(Self.task)")
            let failed = await llmError { _ = try await job.wait(pollInterval: .milliseconds(5)) }
            #expect(failed?.kind == .server)
            #expect(
                failed?.message
                    == "job runware:\(Self.task) failed: timeoutProvider: The external provider did not respond within the timeout window. The request was automatically terminated."
            )
            let rejected = await llmError {
                _ = try await llm.generateVideo(
                    VideoRequest(
                        model: "runware/klingai:5@3", prompt: "a cat", durationSeconds: 7,
                        extra: ["taskUUID": .string(Self.task)]))
            }
            #expect(rejected?.kind == .invalidRequest)
            #expect(rejected?.providerCode == "unsupportedDuration")
            #expect(rejected?.param == "duration")
            #expect(
                rejected?.message
                    == "Invalid value for duration parameter. This duration is not supported by the model architecture."
            )
            let auth = await llmError { _ = try await job.status() }
            #expect(auth?.kind == .authentication)
            #expect(auth?.message == "Invalid API key. Get one at https://my.runware.ai/signup (check RUNWARE_API_KEY)")
            let cancel = await llmError { _ = try await job.cancel() }
            #expect(cancel?.kind == .unsupported)
            #expect(server.requests.count == 3)
        }
    }

    @Test("Runware: VideoRequest maps onto videoInference fields")
    func runwareVideoMapping() async throws {
        try await LoopbackServer.with([Self.response("runware/videoInference-ack-docs")]) { server in
            let job = try await Self.client(server, "runware", key: "rw_test").generateVideo(
                VideoRequest(
                    model: "runware/klingai:5@3", prompt: "A cat playing with a ball of yarn, high quality, detailed",
                    image: .url("https://example.com/first.jpg"), lastFrame: .url("https://example.com/last.jpg"),
                    durationSeconds: 10, aspectRatio: "16:9", resolution: "1080p", negativePrompt: "blurry", seed: 42,
                    extra: ["taskUUID": .string(Self.task), "numberResults": 1]))
            #expect(job.id == "runware:\(Self.task)")
            let expected: JSONValue = [
                [
                    "taskType": "videoInference", "taskUUID": .string(Self.task), "model": "klingai:5@3",
                    "deliveryMethod": "async",
                    "positivePrompt": "A cat playing with a ball of yarn, high quality, detailed",
                    "negativePrompt": "blurry", "duration": 10, "seed": 42, "width": 1920, "height": 1080,
                    "numberResults": 1,
                    "inputs": [
                        "frameImages": [
                            ["image": "https://example.com/first.jpg", "frame": "first"],
                            ["image": "https://example.com/last.jpg", "frame": "last"],
                        ]
                    ],
                ]
            ]
            #expect(server.requests.first?.json == expected)
        }
        #expect(RunwareJobs.dimensions(aspectRatio: "9:16", resolution: nil).map { [$0.0, $0.1] } == [720, 1280])
        #expect(RunwareJobs.dimensions(aspectRatio: "wide", resolution: nil) == nil)
    }

    // MARK: - Luma

    static let generation = "123e4567-e89b-12d3-a456-426614174000"

    @Test("Luma: keyframes from VideoRequest, the created generation polled to completed")
    func lumaLifecycle() async throws {
        let documented = Fixture.json("media/luma/request-image-to-video-keyframes-openapi.json")
        try await LoopbackServer.with([
            Self.response("luma/generation-completed-openapi", status: 201),
            Self.response("luma/generation-completed-openapi"),
        ]) { server in
            let llm = Self.client(server, "luma", key: "luma-test")
            let job = try await llm.generateVideo(
                VideoRequest(
                    model: "luma/ray-2", prompt: "A serene lake surrounded by mountains at sunset",
                    image: .url("https://example.com/image.jpg"), lastFrame: .url("https://example.com/image.jpg"),
                    aspectRatio: "16:9"))
            #expect(job.id == "luma:\(Self.generation)")
            let done = try await job.wait(pollInterval: .milliseconds(5))
            #expect(
                done
                    == JobStatus(
                        id: job.id, state: .succeeded, progress: 1,
                        outputs: [MediaOutput(url: "https://example.com/video.mp4", mimeType: "video/mp4")]))
            let r = server.requests
            try #require(r.count == 2)
            #expect(r[0].method == "POST")
            #expect(r[0].uri == "/generations/video")
            #expect(r[0].json == documented.setting("model", "ray-2"))
            #expect(r[1].method == "GET")
            #expect(r[1].uri == "/generations/\(Self.generation)")
            #expect(r.allSatisfy { $0.header("authorization") == "Bearer luma-test" })
        }
    }

    @Test("Luma: photon goes to /generations/image; resume with a 429; cancel deletes; errors")
    func lumaResumeCancelErrors() async throws {
        let documented = Fixture.json("media/luma/request-text-to-video-openapi.json")
        let id = "luma:\(Self.generation)"
        try await LoopbackServer.with([
            Self.response("luma/generation-completed-openapi", status: 201), Self.rateLimited,
            Self.response("luma/generation-completed-openapi"), CannedResponse(status: 204, headers: [], body: []),
            Self.response("luma/error-openapi", status: 401),
        ]) { server in
            let llm = Self.client(server, "luma", key: "luma-test", retry: RetryPolicy(maxRetries: 2))
            _ = try await llm.submit(GenerationRequest(model: "luma/photon-1", input: documented))
            #expect(server.requests[0].uri == "/generations/image")
            #expect(server.requests[0].json == documented.setting("model", "photon-1"))
            let s = try await llm.job(id: id).wait(pollInterval: .milliseconds(5))
            #expect(s.state == .succeeded)
            let canceled = try await llm.job(id: id).cancel()
            #expect(canceled == JobStatus(id: id, state: .canceled, error: "deleted at Luma"))
            #expect(server.requests[3].method == "DELETE")
            #expect(server.requests[3].uri == "/generations/\(Self.generation)")
            let e = await llmError { _ = try await llm.job(id: id).status() }
            #expect(e?.kind == .authentication)
            #expect(e?.message == "Invalid API key is provided (check LUMAAI_API_KEY)")
            #expect(server.requests.count == 5)
        }
        let bytes = await llmError {
            _ = try await LLMKit(environment: ["LUMAAI_API_KEY": "k"]).generateVideo(
                VideoRequest(model: "luma/ray-2", prompt: "p", image: .data([1, 2], mimeType: "image/png")))
        }
        #expect(bytes?.kind == .unsupported)
    }
}
