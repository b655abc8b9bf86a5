import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore

/// `llmkit realtime --model xai/grok-voice-latest --in question.wav --out answer.wav`: one spoken turn
/// through a realtime voice session (OpenAI, xAI or Gemini Live).
struct RealtimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "realtime",
        abstract: "Send one spoken (or typed) turn to a realtime voice model and save the spoken answer.",
        discussion: """
            The input WAV (16-bit PCM, any rate, mono or stereo) is converted to mono at the session's input
            rate (24 kHz on OpenAI and xAI, 16 kHz on Gemini) and sent in 100 ms chunks, then committed as one
            turn. The answer's transcript is printed; its audio is written to --out as a mono WAV at the
            session's output rate (24 kHz). Models: openai/gpt-realtime, xai/grok-voice-latest,
            gemini/gemini-2.5-flash-native-audio-preview-09-2025. Errors are printed to stderr as JSON with
            exit code 1.
            """
    )

    @Option(help: ArgumentHelp("The realtime model.", valueName: "provider/model"))
    var model: String = "openai/gpt-realtime"
    @Option(name: .customLong("in"), help: "A WAV file with the user's turn.") var input: String?
    @Option(help: "A typed user turn instead of --in.") var text: String?
    @Option(name: .customLong("out"), help: "Where to write the spoken answer (WAV).") var output: String?
    @Option(help: "System instructions for the session.") var instructions: String?
    @Option(help: "The voice to answer with (provider-specific name).") var voice: String?
    @Option(help: "Override the provider's base URL.") var baseURL: String?
    @Flag(help: "Print every event as NDJSON instead of the transcript.") var json = false

    func validate() throws {
        if (input == nil) == (text == nil) { throw ValidationError("give exactly one of --in FILE.wav or --text TEXT") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var wav: WAVAudio?
        if let input {
            guard let data = FileManager.default.contents(atPath: input) else {
                throw ValidationError("cannot read \(input)")
            }
            do {
                wav = try WAVAudio(parsing: [UInt8](data))
            } catch {
                throw ValidationError("\(input): \(error)")
            }
        }
        do {
            let id = try ModelID(parsing: model)
            var settings: [String: ProviderSettings] = [:]
            if let baseURL { settings[id.provider] = ProviderSettings(baseURL: baseURL) }
            let llm = LLMKit(providers: settings, environment: environment)
            let session = try await llm.realtime(
                RealtimeConfig(
                    model: model, instructions: instructions, voice: voice,
                    turnDetection: input == nil ? .serverVAD() : .manual))
            if let text {
                try await session.sendText(text)
            } else if let wav {
                let pcm = wav.mono(at: session.inputSampleRate).pcm16
                let chunk = session.inputSampleRate / 10 * 2  // 100 ms of PCM16
                var offset = 0
                while offset < pcm.count {
                    let end = min(pcm.count, offset + chunk)
                    try await session.appendAudio(pcm[offset..<end])
                    offset = end
                }
                try await session.commitAudio()
                if !session.respondsToCommittedAudio { try await session.createResponse() }
            }
            var audio: [UInt8] = []
            var transcript = ""
            var usage: RealtimeUsage?
            loop: for try await event in session.events {
                if json { Output.outLine(Self.json(event)) }
                switch event {
                case .audioDelta(_, let a): audio += a
                case .audioTranscriptDelta(_, let t), .textDelta(_, let t):
                    transcript += t
                    if !json { Output.out(t) }
                case .error(let message, let code):
                    Output.err("llmkit: \(session.provider) reported: \(message)\(code.map { " (\($0))" } ?? "")\n")
                case .responseDone(_, _, let u):
                    usage = u
                    break loop
                default: break
                }
            }
            await session.close()
            if !json { Output.outLine("") }
            if let output {
                let rate = session.outputSampleRate
                let file = WAVAudio(sampleRate: rate, pcm16: audio).fileBytes
                guard FileManager.default.createFile(atPath: output, contents: Data(file)) else {
                    throw ValidationError("cannot write \(output)")
                }
                Output.err(
                    "llmkit: wrote \(output) (\(String(format: "%.2f", Double(audio.count) / Double(rate * 2))) s of audio)"
                        + (usage.map { ", \($0.inputTokens) tokens in, \($0.outputTokens) out" } ?? "") + "\n")
            }
            _ = transcript
        } catch let e as LLMError {
            throw ErrorReporter.report(e, environment: environment)
        }
    }

    /// One NDJSON line per event; audio as its byte count, not the bytes.
    static func json(_ e: RealtimeEvent) -> String {
        let v: JSONValue
        switch e {
        case .sessionCreated(let id): v = ["type": "sessionCreated", "id": .string(id)]
        case .sessionUpdated: v = ["type": "sessionUpdated"]
        case .speechStarted(_, let ms): v = ["type": "speechStarted", "audioStartMs": ms.map { .int($0) } ?? .null]
        case .speechStopped(_, let ms): v = ["type": "speechStopped", "audioEndMs": ms.map { .int($0) } ?? .null]
        case .inputCommitted: v = ["type": "inputCommitted"]
        case .inputTranscriptDelta(_, let t): v = ["type": "inputTranscriptDelta", "text": .string(t)]
        case .inputTranscriptCompleted(_, let t): v = ["type": "inputTranscriptCompleted", "text": .string(t)]
        case .inputTranscriptFailed(_, let m): v = ["type": "inputTranscriptFailed", "message": .string(m)]
        case .responseCreated(let id): v = ["type": "responseCreated", "id": .string(id)]
        case .audioDelta(_, let a): v = ["type": "audioDelta", "bytes": .int(a.count)]
        case .audioTranscriptDelta(_, let t): v = ["type": "audioTranscriptDelta", "text": .string(t)]
        case .textDelta(_, let t): v = ["type": "textDelta", "text": .string(t)]
        case .toolCall(let c):
            v = [
                "type": "toolCall", "callID": .string(c.callID), "name": .string(c.name),
                "arguments": .string(c.arguments),
            ]
        case .responseDone(let id, let status, let u):
            v = [
                "type": "responseDone", "id": .string(id), "status": .string(status),
                "inputTokens": u.map { .int($0.inputTokens) } ?? .null,
                "outputTokens": u.map { .int($0.outputTokens) } ?? .null,
            ]
        case .error(let m, let c): v = ["type": "error", "message": .string(m), "code": c.map { .string($0) } ?? .null]
        case .interrupted: v = ["type": "interrupted"]
        case .toolCallsCancelled(let ids):
            v = ["type": "toolCallsCancelled", "callIDs": .array(ids.map { .string($0) })]
        case .goingAway(let t):
            let seconds = t.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
            v = ["type": "goingAway", "timeLeftSeconds": seconds.map { .double($0) } ?? .null]
        }
        return String(decoding: JSONWriter.bytes(v), as: UTF8.self)
    }
}
