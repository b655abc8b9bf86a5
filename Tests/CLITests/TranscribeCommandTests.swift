import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

@Suite("llmkit transcribe")
struct TranscribeCommandTests {
    @Test("a URL is sent as JSON; the transcript is printed, and whole with --json")
    func url() async throws {
        let fixture = try Fixture.json("voice/deepgram/prerecorded-nova-3-smart-format.json")
        let text = fixture["results"]?["channels"]?.arrayValue?.first?["alternatives"]?.arrayValue?.first?[
            "transcript"]?
            .stringValue
        try await LoopbackServer.with([
            try Fixture.response("voice/deepgram/prerecorded-nova-3-smart-format.json"),
            try Fixture.response("voice/deepgram/prerecorded-nova-3-smart-format.json"),
        ]) { server in
            let env = CLI.environment(["DEEPGRAM_API_KEY": CLI.secret])
            let plain = try await CLI.run(
                ["transcribe", "--base-url", server.baseURL, "https://dpgr.am/spacewalk.wav"], environment: env)
            #expect(plain.status == 0, "stderr: \(plain.stderr)")
            #expect(plain.stdout == (text ?? "") + "\n")
            let json = try await CLI.run(
                ["transcribe", "--base-url", server.baseURL, "--json", "https://dpgr.am/spacewalk.wav"],
                environment: env)
            let out = try json.json()
            #expect(out["text"] == .string(text ?? ""))
            #expect((out["words"]?.arrayValue?.count ?? 0) > 10)
            #expect(server.requests.first?.json == ["url": "https://dpgr.am/spacewalk.wav"])
            #expect(server.requests.first?.uri == "/v1/listen?model=nova-3&smart_format=true&paragraphs=true")
        }
    }
}
