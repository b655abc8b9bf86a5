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

    @Flag(help: "Stream: read audio from FILE (or stdin when FILE is - or absent) and print results as they come.")
    var live = false
    @Option(help: "With --live: the raw audio encoding (linear16, mulaw, ...); omit for WAV/MP3/WebM input.")
    var encoding: String?
    @Option(help: "With --live: the raw audio's sample rate.") var sampleRate: Int?
    @Flag(help: "With --live: also print interim (not yet final) results, on stderr.") var interim = false

    @Argument(help: "An audio file, or an http(s) URL the provider fetches; with --live, - or nothing for stdin.")
    var file: String?

    func validate() throws {
        if !live, file == nil || file == "-" { throw ValidationError("give an audio file or URL (or use --live)") }
        if encoding != nil, sampleRate == nil { throw ValidationError("--encoding needs --sample-rate") }
    }

    func run() async throws {
        if live { return try await runLive() }
        let environment = ProcessInfo.processInfo.environment
        let file = self.file ?? "-"
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
                for p in t.paragraphs { Output.outLine("[speaker \(p.speaker ?? "?")] \(p.text)") }
            } else {
                Output.outLine(t.text)
            }
        } catch let e as LLMError {
            throw ErrorReporter.report(e, environment: environment)
        }
    }

    /// `--live`: audio from a file or stdin in 8 KB pieces as it is read; final results on stdout (or NDJSON events
    /// with `--json`), interim ones on stderr with `--interim`.
    func runLive() async throws {
        let environment = ProcessInfo.processInfo.environment
        let handle: FileHandle
        if let file, file != "-" {
            guard let h = FileHandle(forReadingAtPath: file) else { throw ValidationError("cannot read \(file)") }
            handle = h
        } else {
            handle = .standardInput
        }
        do {
            let id = try ModelID(parsing: model)
            var settings: [String: ProviderSettings] = [:]
            if let baseURL { settings[id.provider] = ProviderSettings(baseURL: baseURL) }
            let session = try await LLMKit(providers: settings, environment: environment).liveTranscription(
                LiveTranscriptionOptions(
                    model: model, encoding: encoding, sampleRate: sampleRate, language: language, diarize: diarize))
            let sender = Task {
                while true {
                    let data = handle.readData(ofLength: 8_192)
                    if data.isEmpty { break }
                    try await session.send(audio: [UInt8](data))
                }
                try await session.finish()
            }
            for try await event in session.events {
                switch event {
                case .result(let r):
                    if json {
                        Output.outLine(String(decoding: try JSONEncoder.sorted.encode(r), as: UTF8.self))
                    } else if r.isFinal {
                        if !r.transcript.isEmpty { Output.outLine(r.transcript) }
                    } else if interim {
                        Output.errLine("… " + r.transcript)
                    }
                case .metadata(let requestID, let duration):
                    if json {
                        Output.outLine(
                            String(
                                decoding: JSONWriter.bytes([
                                    "type": "metadata", "requestID": .string(requestID),
                                    "duration": duration.map { .double($0) } ?? .null,
                                ]), as: UTF8.self))
                    }
                case .utteranceEnd, .speechStarted:
                    break
                }
            }
            // The events ended (the server closed after CloseStream, or failed): stop reading input.
            sender.cancel()
        } catch let e as LLMError {
            throw ErrorReporter.report(e, environment: environment)
        }
    }
}
