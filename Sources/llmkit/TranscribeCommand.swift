import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore

/// `llmkit transcribe FILE --model deepgram/nova-3`: speech to text for a recording.
struct TranscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe an audio file (or URL) and print the text.",
        discussion: "Errors are printed to stderr as JSON with exit code 1."
    )

    @Option(help: ArgumentHelp("The speech model, e.g. deepgram/nova-3.", valueName: "provider/model"))
    var model: String = "deepgram/nova-3"

    @Flag(help: "Label speakers.") var diarize = false
    @Option(help: "The spoken language (BCP-47), when known.") var language: String?
    @Option(help: "Override the provider's base URL.") var baseURL: String?
    @Flag(help: "Print the whole transcript (words, timings, speakers, paragraphs) as JSON.") var json = false

    @Argument(help: "An audio file, or an http(s) URL the provider fetches.") var file: String

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let audio: MediaSource
        if file.hasPrefix("http://") || file.hasPrefix("https://") {
            audio = .url(file)
        } else {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read the audio file \(file)")
            }
            let ext = (file as NSString).pathExtension.lowercased()
            let mime =
                [
                    "mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "flac": "audio/flac",
                    "m4a": "audio/mp4", "webm": "audio/webm",
                ][ext] ?? "application/octet-stream"
            audio = .data([UInt8](data), mimeType: mime)
        }
        do {
            let id = try ModelID(parsing: model)
            var settings: [String: ProviderSettings] = [:]
            if let baseURL { settings[id.provider] = ProviderSettings(baseURL: baseURL) }
            let t = try await LLMKit(providers: settings, environment: environment).transcribe(
                TranscriptionRequest(model: model, audio: audio, language: language, diarize: diarize, paragraphs: true)
            )
            if json {
                let data = try JSONEncoder.sorted.encode(t)
                Output.outLine(String(decoding: data, as: UTF8.self))
            } else if diarize, !t.paragraphs.isEmpty {
                for p in t.paragraphs { Output.outLine("[speaker \(p.speaker.map(String.init) ?? "?")] \(p.text)") }
            } else {
                Output.outLine(t.text)
            }
        } catch let e as LLMError {
            throw ErrorReporter.report(e, environment: environment)
        }
    }
}
