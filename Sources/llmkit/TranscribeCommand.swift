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

    @Option(
        help: ArgumentHelp(
            "The speech model: deepgram/nova-3, openai/whisper-1, elevenlabs/scribe_v2, assemblyai/universal-3-pro.",
            valueName: "provider/model"))
    var model: String = "deepgram/nova-3"

    @Flag(help: "Label speakers.") var diarize = false
    @Option(help: "The spoken language (BCP-47), when known.") var language: String?
    @Option(help: "Override the provider's base URL.") var baseURL: String?
    @Flag(help: "Print the whole transcript (words, timings, speakers, paragraphs) as JSON.") var json = false
    @Flag(help: "Translate the speech into English text (openai/whisper-1, groq/whisper-large-v3).")
    var translate = false
    @Flag(help: "Print the text as the provider produces it (OpenAI's gpt-4o transcribe models stream).")
    var stream = false
    @Flag(
        help: "Show upload progress on stderr (on by default for files of 1 MB or more when stderr is a terminal).")
    var progress = false

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
        if translate, live || stream { throw ValidationError("--translate cannot be combined with --live or --stream") }
        if stream, live { throw ValidationError("--stream is for files; --live already prints as it hears") }
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
            let llm = LLMKit(providers: settings, environment: environment)
            let request = TranscriptionRequest(
                model: model, audio: audio, language: language, diarize: diarize,
                paragraphs: diarize || model.hasPrefix("deepgram/"))
            var report: (@Sendable (UploadProgress) -> Void)?
            if case .data(let bytes, _, _) = audio, progress || (bytes.count >= 1 << 20 && isatty(2) == 1) {
                let line = ProgressLine()
                report = { (p: UploadProgress) -> Void in
                    line.show(p)
                    if p.sent == p.total { line.end() }
                }
            }
            let t: Transcript
            if stream {
                var done: Transcript?
                var printed = false
                for try await event in llm.transcribeStream(request) {
                    switch event {
                    case .textDelta(let d):
                        if !json {
                            Output.out(d)
                            printed = true
                        }
                    case .segment(let s):
                        if !json, diarize { Output.errLine("[speaker \(s.speaker ?? "?")] \(s.text)") }
                    case .done(let whole): done = whole
                    }
                }
                guard let done else { throw LLMError(.decoding, "the transcription stream ended without a transcript") }
                t = done
                if !json {
                    // Deltas were printed as they came; a model that does not stream printed nothing yet.
                    Output.outLine(printed ? "" : t.text)
                    return
                }
            } else if translate {
                t = try await llm.translate(request, progress: report)
            } else {
                t = try await llm.transcribe(request, progress: report)
            }
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
