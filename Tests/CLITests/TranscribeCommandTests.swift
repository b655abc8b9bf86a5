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

    @Test(
        "--stream prints OpenAI's deltas as they come; --translate posts to /audio/translations; --progress draws the upload"
    )
    func streamTranslateProgress() async throws {
        let dir = try TempDir()
        let file = dir.url.appendingPathComponent("talk.wav")
        try Data(repeating: 7, count: 200_000).write(to: file)
        try await LoopbackServer.with([
            CannedResponse(
                headers: [("content-type", "text/event-stream")],
                body: try Fixture.bytes("voice/openai-audio/transcription-stream.sse")),
            try Fixture.response("voice/openai-audio/translation-whisper-1.json"),
        ]) { server in
            let env = CLI.environment(["OPENAI_API_KEY": CLI.secret])
            let streamed = try await CLI.run(
                [
                    "transcribe", "--model", "openai/gpt-4o-mini-transcribe", "--base-url", server.baseURL + "/v1",
                    "--stream", file.path,
                ], environment: env)
            #expect(streamed.status == 0, "stderr: \(streamed.stderr)")
            #expect(
                streamed.stdout
                    == "I see skies of blue and clouds of white, the bright blessed days, the dark sacred nights, and I think to myself, what a wonderful world.\n"
            )
            let translated = try await CLI.run(
                [
                    "transcribe", "--model", "openai/whisper-1", "--base-url", server.baseURL + "/v1", "--translate",
                    "--progress", file.path,
                ], environment: env)
            #expect(translated.status == 0, "stderr: \(translated.stderr)")
            #expect(
                translated.stdout
                    == "Hello, my name is Wolfgang and I come from Germany. Where are you heading today?\n")
            #expect(translated.stderr.contains("[upload]"))
            #expect(translated.stderr.contains("100%"))
            #expect(server.requests.map(\.uri) == ["/v1/audio/transcriptions", "/v1/audio/translations"])
            #expect(!translated.stderr.contains(CLI.secret) && !streamed.stderr.contains(CLI.secret))
        }
    }
}
