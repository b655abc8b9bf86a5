import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Veo through the loopback server: maruel/genai's recorded Gemini API session (submit, polls,
/// the 302 file download) and Google's documented Vertex example (Fixtures/media/google/SOURCE.md).
@Suite("Veo video jobs")
struct GoogleVideoTests {
    static let operation = "models/veo-2.0-generate-001/operations/hhgacp02zklk"

    @Test func geminiVeoSubmitPollAndDownload() async throws {
        let f = "media/google"
        let video: [UInt8] = Array(repeating: 0, count: 64) + Array("ftypmp42".utf8)  // opaque bytes; the mp4 was not recorded
        try await LoopbackServer.with([
            Fixture.response(f, "veo-gemini-predictLongRunning", ext: "json"),
            Fixture.response(f, "veo-gemini-operation-running", ext: "json"),
            Fixture.response(f, "veo-gemini-operation-running", ext: "json"),
            Fixture.response(f, "veo-gemini-operation-done", ext: "json"),
        ]) { server in
            let llm = LLMKit(
                providers: ["gemini": ProviderSettings(apiKey: "g-key", baseURL: server.baseURL)], environment: [:])
            let recorded = Fixture.json("media/google/veo-gemini-predictLongRunning.request.json")
            let job = try await llm.generateVideo(
                VideoRequest(
                    model: "gemini/veo-2.0-generate-001",
                    prompt: recorded["instances"]!.arrayValue![0]["prompt"]!.stringValue!,
                    extra: ["sampleCount": 1, "personGeneration": "allow_adult"]))
            #expect(job.id == "gemini:\(Self.operation)")
            var states: [JobState] = []
            var last: JobStatus?
            for try await s in job.updates(pollInterval: .milliseconds(1), maxPollInterval: .milliseconds(2)) {
                states.append(s.state)
                last = s
            }
            #expect(states == [.running, .running, .succeeded])
            let output = try #require(last?.outputs.first)
            #expect(
                output.url == "https://generativelanguage.googleapis.com/v1beta/files/pgnh4ygqa90n:download?alt=media")
            #expect(output.mimeType == "video/mp4")
            let requests = server.requests
            #expect(requests[0].method == "POST")
            #expect(requests[0].uri == "/v1beta/models/veo-2.0-generate-001:predictLongRunning")
            #expect(requests[0].header("x-goog-api-key") == "g-key")
            #expect(requests[0].json == recorded)
            #expect(requests.dropFirst().map(\.method) == ["GET", "GET", "GET"])
            #expect(requests.dropFirst().allSatisfy { $0.uri == "/v1beta/\(Self.operation)" })
        }
        // The recorded download: 302 to /download/v1beta/files/...:download (same host), then the video. The
        // recorded host is replaced by the loopback server's, as base URLs are in every replay.
        let redirect = Fixture.json("media/google/veo-gemini-download-302.headers.json")
        let location = redirect["headers"]!["Location"]!.stringValue!
        try await LoopbackServer.with([]) { server in
            server.enqueue([
                CannedResponse(
                    status: 302,
                    headers: [
                        ("content-type", "application/json; charset=UTF-8"),
                        (
                            "location",
                            location.replacingOccurrences(
                                of: "https://generativelanguage.googleapis.com", with: server.baseURL)
                        ),
                    ], body: Fixture.bytes("media/google/veo-gemini-download-302.json")),
                CannedResponse(headers: [("content-type", "video/mp4")], body: video, delivery: .randomSplits(seed: 9)),
            ])
            let llm = LLMKit(
                providers: ["gemini": ProviderSettings(apiKey: "g-key", baseURL: server.baseURL)], environment: [:])
            let bytes = try await llm.download(
                MediaOutput(url: server.baseURL + "/v1beta/files/pgnh4ygqa90n:download?alt=media"), provider: "gemini")
            #expect(bytes == video)
            #expect(
                server.requests.map(\.uri) == [
                    "/v1beta/files/pgnh4ygqa90n:download?alt=media",
                    "/download/v1beta/files/pgnh4ygqa90n:download?alt=media",
                ])
            #expect(server.requests.allSatisfy { $0.header("x-goog-api-key") == "g-key" })
        }
    }

    @Test func vertexVeoFetchPredictOperation() async throws {
        let f = "media/google"
        try await LoopbackServer.with([
            Fixture.response(f, "veo-vertex-predictLongRunning", ext: "json"),
            Fixture.response(f, "veo-vertex-fetchPredictOperation-done", ext: "json"),
        ]) { server in
            let llm = LLMKit(
                environment: [
                    "GOOGLE_CLOUD_PROJECT": "PROJECT_ID", "GOOGLE_CLOUD_LOCATION": "us-central1",
                    "VERTEX_ACCESS_TOKEN": "ya29.token", "VERTEX_BASE_URL": server.baseURL,
                ], retry: .none)
            let frame: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
            let job = try await llm.generateVideo(
                VideoRequest(
                    model: "vertex/MODEL_ID", prompt: "TEXT_PROMPT", image: .data(frame, mimeType: "image/png"),
                    durationSeconds: 8, aspectRatio: "16:9"))
            #expect(
                job.id
                    == "vertex:projects/PROJECT_ID/locations/us-central1/publishers/google/models/MODEL_ID/operations/a1b07c8e-7b5a-4aba-bb34-3e1ccb8afcc8"
            )
            let done = try await job.wait(pollInterval: .milliseconds(1))
            #expect(done.state == .succeeded)
            #expect(
                done.outputs.map(\.url)
                    == (0..<4).map { "gs://STORAGE_BUCKET/TIMESTAMPED_SUBDIRECTORY/sample_\($0).mp4" })
            let r = server.requests
            #expect(
                r[0].uri
                    == "/v1/projects/PROJECT_ID/locations/us-central1/publishers/google/models/MODEL_ID:predictLongRunning"
            )
            #expect(r[0].header("authorization") == "Bearer ya29.token")
            #expect(
                r[0].json == [
                    "instances": [
                        [
                            "prompt": "TEXT_PROMPT",
                            "image": ["bytesBase64Encoded": "iVBORw==", "mimeType": "image/png"],
                        ]
                    ],
                    "parameters": ["aspectRatio": "16:9", "durationSeconds": 8],
                ])
            #expect(r[1].method == "POST")
            #expect(
                r[1].uri
                    == "/v1/projects/PROJECT_ID/locations/us-central1/publishers/google/models/MODEL_ID:fetchPredictOperation"
            )
            #expect(
                r[1].json
                    == [
                        "operationName":
                            "projects/PROJECT_ID/locations/us-central1/publishers/google/models/MODEL_ID/operations/a1b07c8e-7b5a-4aba-bb34-3e1ccb8afcc8"
                    ])
            let e = try #require(await llmError { try await job.cancel() })
            #expect(e.kind == .unsupported)
        }
    }

    @Test func anHTTPFirstFrameIsRefusedBeforeAnyRequest() async throws {
        let llm = LLMKit(
            providers: ["gemini": ProviderSettings(apiKey: "k", baseURL: "http://127.0.0.1:9")], environment: [:])
        let e = try #require(
            await llmError {
                _ = try await llm.generateVideo(
                    VideoRequest(
                        model: "gemini/veo-3.1-generate-preview", prompt: "x", image: .url("https://e.com/a.png")))
            })
        #expect(e.kind == .invalidRequest)
        #expect(e.message.contains("gs://"))
    }
}
