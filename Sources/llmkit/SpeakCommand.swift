import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore

/// `llmkit speak TEXT --model elevenlabs/eleven_multilingual_v2 --voice ID -o out.mp3`: text to speech,
/// written to the file chunk by chunk as the audio arrives.
struct SpeakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speak",
        abstract: "Synthesize speech and write the audio to a file as it arrives.",
        discussion: """
            Providers: elevenlabs (ELEVENLABS_API_KEY), openai, deepgram (the Aura model names the voice), gemini \
            and vertex (gemini-2.5-flash-preview-tts, gemini-3.8-flash-tts; voices such as Kore, Puck). \
            Formats: mp3, opus, aac, flac, wav, pcm (24 kHz), mulaw, alaw, or ElevenLabs-style names such as \
            mp3_44100_128, pcm_16000, ulaw_8000. Errors are printed to stderr as JSON with exit code 1.
            """
    )

    @Option(
        help: ArgumentHelp("The speech model, e.g. elevenlabs/eleven_multilingual_v2.", valueName: "provider/model"))
    var model: String

    @Option(help: "The voice: an ElevenLabs voice id (see `llmkit voices`), an OpenAI voice name.") var voice: String?
    @Option(name: [.short, .customLong("output")], help: "Where to write the audio; - for standard output.")
    var output: String?
    @Option(help: "The audio format (default mp3).") var format: String?
    @Option(help: "How to speak: tone, accent, pace (OpenAI gpt-4o-mini-tts).") var instructions: String?
    @Option(help: "Speaking speed, 1.0 is normal.") var speed: Double?
    @Option(help: "Language to enforce (ISO 639-1; ElevenLabs).") var language: String?
    @Option(help: "Seed for best-effort determinism (ElevenLabs).") var seed: Int?
    @Option(help: "ElevenLabs stability, 0...1.") var stability: Double?
    @Option(help: "ElevenLabs similarity boost, 0...1.") var similarityBoost: Double?
    @Option(help: "ElevenLabs style exaggeration, 0...1.") var style: Double?
    @Flag(help: "Ask for per-character timings (ElevenLabs) and print them as JSON.") var timestamps = false
    @Option(help: "Override the provider's base URL.") var baseURL: String?
    @Flag(help: "Ask for token usage (OpenAI gpt-4o-mini-tts streams events for it; Gemini always reports it).")
    var usage = false
    @Flag(help: "Print JSON: provider, model, file, bytes, mimeType, requestID, characters, usage, warnings.")
    var json = false

    @Argument(help: "The text to speak; - or nothing reads it (whole) from standard input.") var text: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var audioFormat = AudioFormat.mp3()
        if let format {
            guard let f = AudioFormat(parsing: format) else {
                throw ValidationError("unknown format '\(format)'; try mp3, opus, wav, pcm, mp3_44100_128, pcm_16000")
            }
            audioFormat = f
        }
        var input = text ?? "-"
        if input == "-" {
            input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            guard !input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("no text to speak: pass TEXT or pipe it to standard input")
            }
        }
        var settings: VoiceSettings?
        if stability != nil || similarityBoost != nil || style != nil {
            settings = VoiceSettings(stability: stability, similarityBoost: similarityBoost, style: style)
        }
        let request = SpeechRequest(
            model: model, text: input, voice: voice, format: audioFormat, instructions: instructions, speed: speed,
            voiceSettings: settings, language: language, seed: seed, includeUsage: usage ? true : nil)
        let path = output ?? "speech.\(audioFormat.fileExtension)"
        do {
            let id = try ModelID(parsing: model)
            var providers: [String: ProviderSettings] = [:]
            if let baseURL { providers[id.provider] = ProviderSettings(baseURL: baseURL) }
            let llm = LLMKit(providers: providers, environment: environment)
            let audio: SpeechAudio
            let bytes: Int
            if timestamps {
                audio = try await llm.speakWithTimestamps(request)
                let sink = try Sink(path)
                try sink.write(audio.audio)
                sink.close()
                bytes = audio.audio.count
            } else {
                let written = try await stream(llm.speakStream(request), to: path)
                audio = written.0
                bytes = written.1
            }
            for w in audio.warnings { Output.errLine("warning: \(w.message)") }
            if json {
                var o: [(key: String, value: JSONValue)] = [
                    ("provider", .string(audio.provider)), ("model", .string(audio.model)), ("file", .string(path)),
                    ("bytes", .int(bytes)), ("mimeType", .string(audio.mimeType)),
                    ("requestID", audio.requestID.map(JSONValue.string) ?? .null),
                    ("characters", audio.characters.map(JSONValue.int) ?? .null),
                    (
                        "usage",
                        audio.usage.map {
                            ["inputTokens": .int($0.inputTokens), "outputTokens": .int($0.outputTokens)]
                        } ?? .null
                    ),
                    ("warnings", .array(audio.warnings.map { .string($0.message) })),
                ]
                if timestamps {
                    o.append(("alignment", Self.alignment(audio.alignment)))
                    o.append(("normalizedAlignment", Self.alignment(audio.normalizedAlignment)))
                }
                Output.outLine(JSONWriter.string(.object(o)))
            } else if timestamps {
                Output.outLine(
                    JSONWriter.string([
                        "alignment": Self.alignment(audio.alignment),
                        "normalizedAlignment": Self.alignment(audio.normalizedAlignment),
                    ]))
            } else if path != "-" {
                Output.outLine(path)
            }
        } catch let e as LLMError {
            throw ErrorReporter.report(e, environment: environment)
        }
    }

    /// Writes every chunk as it arrives; a stream that fails part-way leaves no file behind. Returns the
    /// response's metadata (its `audio` empty: the bytes are in the file) and the number of bytes written.
    func stream(_ stream: SpeechStream, to path: String) async throws -> (SpeechAudio, Int) {
        let sink = try Sink(path)
        var iterator = stream.makeAsyncIterator()
        var count = 0
        do {
            while let chunk = try await iterator.next() {
                try sink.write(chunk)
                count += chunk.count
            }
        } catch {
            sink.close()
            if path != "-" { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
        sink.close()
        guard let audio = iterator.audio([]) else { throw LLMError(.decoding, "the speech stream never started") }
        return (audio, count)
    }

    /// `[{"character","start","end"}]`, or null.
    static func alignment(_ a: SpeechAlignment?) -> JSONValue {
        guard let a else { return .null }
        return .array(
            a.characters.map {
                ["character": .string($0.character), "start": .double($0.start), "end": .double($0.end)]
            })
    }

    /// A file (or standard output) written chunk by chunk.
    final class Sink {
        let handle: FileHandle
        let owned: Bool

        init(_ path: String) throws {
            if path == "-" {
                handle = .standardOutput
                owned = false
                return
            }
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let h = FileHandle(forWritingAtPath: path)
            else { throw ValidationError("cannot write \(path)") }
            handle = h
            owned = true
        }

        func write(_ bytes: [UInt8]) throws { try handle.write(contentsOf: bytes) }

        func close() { if owned { try? handle.close() } }
    }
}
