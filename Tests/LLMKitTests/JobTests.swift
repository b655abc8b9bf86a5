import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Jobs replayed from replicate/replicate-python's recorded predictions (Fixtures/media/replicate/SOURCE.md).
@Suite("Jobs (Replicate predictions)")
struct JobTests {
    static func response(_ name: String, status: Int = 200, headers: [(String, String)] = []) -> CannedResponse {
        CannedResponse(
            status: status, headers: [("content-type", "application/json")] + headers,
            body: Fixture.bytes("media/replicate/\(name).json"))
    }

    static func client(_ server: LoopbackServer, retry: RetryPolicy = .none) -> LLMKit {
        LLMKit(
            providers: ["replicate": ProviderSettings(apiKey: "r8_test", baseURL: server.baseURL)], environment: [:],
            retry: retry)
    }

    static let version = "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b"

    @Test("submit, then queued -> running (progress from the logs) -> succeeded with outputs")
    func lifecycle() async throws {
        let recorded = Fixture.json("media/replicate/prediction-create.request.json")
        try await LoopbackServer.with([
            Self.response("prediction-create-starting", status: 201),
            Self.response("prediction-get-processing-nologs"), Self.response("prediction-get-processing-logs"),
            Self.response("prediction-get-succeeded"),
        ]) { server in
            let llm = Self.client(server)
            let job = try await llm.submit(
                GenerationRequest(
                    model: "replicate/stability-ai/sdxl:\(Self.version)", input: recorded["input"] ?? .null))
            #expect(job.id == "replicate:azaq55dbukgxg6kubr4k6g3pby")
            var states: [JobState] = []
            var progress: [Double?] = []
            var last: JobStatus?
            for try await s in job.updates(pollInterval: .milliseconds(5)) {
                states.append(s.state)
                progress.append(s.progress)
                last = s
            }
            #expect(states == [.running, .running, .succeeded])
            #expect(progress == [nil, 0.18, 1])
            let outputs = Fixture.json("media/replicate/prediction-get-succeeded.json")["output"]?.arrayValue?
                .compactMap(\.stringValue)
            #expect(last?.outputs.map(\.url) == outputs)
            let create = try #require(server.requests.first)
            #expect(create.method == "POST")
            #expect(create.uri == "/v1/predictions")
            #expect(create.json == recorded)
            #expect(create.header("authorization") == "Bearer r8_test")
            #expect(
                server.requests.dropFirst().allSatisfy {
                    $0.method == "GET" && $0.uri == "/v1/predictions/azaq55dbukgxg6kubr4k6g3pby"
                })
            #expect(server.requests.count == 4)
        }
    }

    @Test("owner/name goes to the model's predictions route")
    func modelRoute() async throws {
        let recorded = Fixture.json("media/replicate/model-prediction-create.request.json")
        try await LoopbackServer.with([Self.response("model-prediction-create-starting", status: 201)]) { server in
            let job = try await Self.client(server).submit(
                GenerationRequest(model: "replicate/meta/meta-llama-3-8b-instruct", input: recorded["input"] ?? .null))
            #expect(job.id == "replicate:heat2o3bzn3ahtr6bjfftvbaci")
            #expect(server.requests.first?.uri == "/v1/models/meta/meta-llama-3-8b-instruct/predictions")
            #expect(server.requests.first?.json == recorded)
        }
    }

    @Test("a job resumed from its id; a 429 while polling is retried after retry-after")
    func resumeAndRetry() async throws {
        try await LoopbackServer.with([
            CannedResponse(status: 429, headers: [("retry-after", "0")], body: []),
            Self.response("prediction-get-succeeded"),
        ]) { server in
            let llm = Self.client(server, retry: RetryPolicy(maxRetries: 2))
            let job = try llm.job(id: "replicate:azaq55dbukgxg6kubr4k6g3pby")
            let s = try await job.wait(pollInterval: .milliseconds(5))
            #expect(s.state == .succeeded)
            #expect(server.requests.count == 2)
        }
        #expect(throws: LLMError.self) { try LLMKit(environment: [:]).job(id: "no-colon") }
    }

    @Test("cancel posts to the cancel route and reports canceled; waiting on it throws cancelled")
    func cancel() async throws {
        try await LoopbackServer.with([
            Self.response("prediction-cancel-canceled"), Self.response("prediction-cancel-canceled"),
        ]) { server in
            let llm = Self.client(server)
            let job = try llm.job(id: "replicate:hdwst0bb05rgp0cf0p29mzk2am")
            let s = try await job.cancel()
            #expect(s.state == .canceled)
            #expect(server.requests.first?.method == "POST")
            #expect(server.requests.first?.uri == "/v1/predictions/hdwst0bb05rgp0cf0p29mzk2am/cancel")
            let e = await llmError { _ = try await job.wait(pollInterval: .milliseconds(5)) }
            #expect(e?.kind == .cancelled)
        }
    }

    @Test("a data: URI output is decoded to bytes; a wait that runs out says how to resume")
    func dataURIAndTimeout() async throws {
        try await LoopbackServer.with([
            Self.response("prediction-create-wait-processing-datauri"),
            Self.response("prediction-get-processing-nologs"),
        ]) { server in
            let llm = Self.client(server)
            let job = try llm.job(id: "replicate:avyjww80xnrgj0cjb2z8taq7nw")
            let s = try await job.status()
            #expect(s.state == .running)
            // The fixture's base64 was cut short when it was copied (SOURCE.md): invalid base64 stays a URL.
            #expect(s.outputs.first?.data == nil)
            #expect(s.outputs.first?.url?.hasPrefix("data:image/png;base64,iVBORw0KGgo") == true)
            // Its first 12 characters are whole base64 quanta: they decode to the PNG signature.
            let decoded = ReplicateJobs.output("data:image/png;base64,iVBORw0KGgoA")
            #expect(decoded.mimeType == "image/png")
            #expect(decoded.data?.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            let e = await llmError {
                _ = try await job.wait(timeout: .milliseconds(50), pollInterval: .milliseconds(100))
            }
            #expect(e?.kind == .timeout)
            #expect(e?.message.contains("LLMKit.job(id:") == true)
        }
    }

    @Test("errors: the recorded 401, and providers without jobs")
    func errors() async throws {
        try await LoopbackServer.with([Self.response("error-401", status: 401)]) { server in
            let e = await llmError {
                _ = try await Self.client(server).submit(GenerationRequest(model: "replicate/a/b", input: [:]))
            }
            #expect(e?.kind == .authentication)
        }
        let e = await llmError {
            _ = try await LLMKit(environment: ["OPENAI_API_KEY": "k"]).submit(
                GenerationRequest(model: "openai/gpt-image-1", input: [:]))
        }
        #expect(e?.kind == .unsupported)
    }
}

@Suite("Downloading job outputs")
struct DownloadTests {
    @Test func theProvidersKeyGoesOnlyToItsOwnHost() async throws {
        let video: [UInt8] = Array(0..<200)
        try await LoopbackServer.with([
            CannedResponse(headers: [("content-type", "video/mp4")], body: video, delivery: .randomSplits(seed: 7)),
            CannedResponse(headers: [("content-type", "video/mp4")], body: video),
            CannedResponse(
                status: 404, headers: [("content-type", "text/html")], body: Array("<html>gone</html>".utf8)),
        ]) { server in
            let llm = LLMKit(
                providers: ["replicate": ProviderSettings(apiKey: "r8-secret", baseURL: server.baseURL)],
                environment: [:])
            let same = try await llm.download(MediaOutput(url: server.baseURL + "/files/v.mp4"), provider: "replicate")
            #expect(same == video)
            #expect(server.requests[0].header("authorization") == "Bearer r8-secret")
            // Another host (here: the same server by another name) gets no credentials.
            let other = server.baseURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")
            #expect(try await llm.download(MediaOutput(url: other + "/v.mp4"), provider: "replicate") == video)
            #expect(server.requests[1].header("authorization") == nil)
            let e = try #require(await llmError { _ = try await llm.download(MediaOutput(url: server.baseURL + "/x")) })
            #expect(e.statusCode == 404)
            #expect(try await llm.download(MediaOutput(data: [1, 2], mimeType: "video/mp4")) == [1, 2])
        }
    }
}
