import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

@Suite("llmkit video")
struct VideoCommandTests {
    /// Replicate's recorded prediction objects (Fixtures/media/replicate/SOURCE.md): the submit answer, then two
    /// polls. No video-model prediction was recorded anywhere; the sequence is an image model's, which
    /// exercises the same job path.
    @Test("submit with a first frame, progress on stderr, the final status as JSON")
    func submitAndWait() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("video-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let frame: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]
        let framePath = dir.appendingPathComponent("first.png").path
        try Data(frame).write(to: URL(fileURLWithPath: framePath))
        try await LoopbackServer.with([
            try Fixture.response("media/replicate/model-prediction-create-starting.json"),
            try Fixture.response("media/replicate/prediction-get-processing-logs.json"),
            try Fixture.response("media/replicate/prediction-get-succeeded.json"),
        ]) { server in
            let r = try await CLI.run(
                [
                    "video", "a red fox running through snow", "--model", "replicate/google/veo-3", "--image",
                    framePath,
                    "--duration", "8", "--aspect-ratio", "16:9", "--resolution", "720p", "--json",
                ],
                environment: CLI.environment(["REPLICATE_API_TOKEN": CLI.secret, "REPLICATE_BASE_URL": server.baseURL]))
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(r.stderr.contains("submitted replicate:heat2o3bzn3ahtr6bjfftvbaci"))
            #expect(r.stderr.contains("llmkit job replicate:heat2o3bzn3ahtr6bjfftvbaci --wait"))
            #expect(r.stderr.contains("[running] ████░░░░░░░░░░░░░░░░ 18%"))
            let out = try r.json()
            #expect(out["state"] == "succeeded")
            #expect(
                out["outputs"]?.arrayValue?.first?["url"]
                    == "https://replicate.delivery/pbxt/gDoc64M9pRaQNdZb0evCRgm57WZJ5BKi0T5kzV6qm2tGmd8IA/out-0.png")
            let submit = try #require(server.requests.first)
            #expect(submit.method == "POST")
            #expect(submit.uri == "/v1/models/google/veo-3/predictions")
            #expect(
                submit.json == [
                    "input": [
                        "prompt": "a red fox running through snow",
                        "image": .string("data:image/png;base64," + Base64.encode(frame)), "duration": 8,
                        "aspect_ratio": "16:9", "resolution": "720p",
                    ]
                ])
            #expect(
                server.requests.dropFirst().map(\.uri) == [
                    "/v1/predictions/heat2o3bzn3ahtr6bjfftvbaci", "/v1/predictions/heat2o3bzn3ahtr6bjfftvbaci",
                ])
            #expect(!r.stdout.contains(CLI.secret) && !r.stderr.contains(CLI.secret))
        }
    }

    @Test("a provider without video jobs is a clear error")
    func unsupported() async throws {
        let r = try await CLI.run(
            ["video", "x", "--model", "openai/sora-2"], environment: CLI.environment(["OPENAI_API_KEY": CLI.secret]))
        #expect(r.status == 1)
        #expect(r.stderr.contains("unsupported"))
    }
}
