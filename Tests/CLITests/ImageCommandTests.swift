import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

@Suite("llmkit image")
struct ImageCommandTests {
    @Test("writes the decoded image to -o and prints the revised prompt with --json")
    func generate() async throws {
        let fixture = try Fixture.json("media/openai/openai-image.json")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "llmkit-img-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("otter.png").path
        try await LoopbackServer.with([try Fixture.response("media/openai/openai-image.json")]) { server in
            let r = try await CLI.run(
                [
                    "image", "--model", "openai/dall-e-3", "--base-url", server.baseURL + "/v1", "-o", out, "--json",
                    "A baby sea otter",
                ], environment: CLI.environment(["OPENAI_API_KEY": CLI.secret]))
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let json = try r.json()
            // The recording holds several images: out-1.png, out-2.png, ...
            let items = try #require(fixture["data"]?.arrayValue)
            let files = (1...items.count).map { dir.appendingPathComponent("otter-\($0).png").path }
            #expect(json["files"] == .array(files.map(JSONValue.string)))
            #expect(json["revisedPrompts"]?.arrayValue?.first == items[0]["revised_prompt"])
            let written = try #require(FileManager.default.contents(atPath: files[0]))
            #expect([UInt8](written) == Base64.decode(fixture["data"]?.arrayValue?[0]["b64_json"]?.stringValue ?? ""))
            #expect(server.requests.first?.json?["prompt"] == "A baby sea otter")
        }
    }
}
