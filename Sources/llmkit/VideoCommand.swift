import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore

/// `llmkit video PROMPT --model ... -o out.mp4`: submit a video job, show its progress, save the result.
struct VideoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video",
        abstract: "Generate a video (a provider-side job) and save it.",
        discussion: """
            Submits the job, prints its id on stderr (resume with `llmkit job ID --wait` if this \
            process stops), shows a progress line on stderr while it runs, then downloads the video \
            to -o. --json prints the final job status as one object. Errors are printed to stderr \
            as JSON with exit code 1.
            """
    )

    @Argument(help: "What the video shows.") var prompt: String
    @Option(help: ArgumentHelp("The video model.", valueName: "provider/model")) var model: String
    @Option(name: [.short, .customLong("output")], help: "Where to save the video.") var output: String?
    @Option(help: "An image to start from (image-to-video).") var image: String?
    @Option(help: "Length in seconds.") var duration: Double?
    @Option(help: "Aspect ratio, e.g. 16:9.") var aspectRatio: String?
    @Option(help: "Resolution, e.g. 720p.") var resolution: String?
    @Option(help: "Give up waiting after this many seconds (the job keeps running).") var timeout: Double = 1800
    @Option(help: "Override the provider's base URL.") var baseURL: String?
    @Flag(help: "Print the final job status as JSON.") var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var first: MediaSource?
        if let image {
            guard let data = FileManager.default.contents(atPath: image) else {
                throw ValidationError("cannot read \(image)")
            }
            let ext = (image as NSString).pathExtension.lowercased()
            let mime = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"][ext]
            guard let mime else { throw ValidationError("\(image): use a PNG, JPEG or WebP image") }
            first = .data([UInt8](data), mimeType: mime)
        }
        do {
            let id = try ModelID(parsing: model)
            var settings: [String: ProviderSettings] = [:]
            if let baseURL { settings[id.provider] = ProviderSettings(baseURL: baseURL) }
            let llm = LLMKit(providers: settings, environment: environment)
            let job = try await llm.generateVideo(
                VideoRequest(
                    model: model, prompt: prompt, image: first, durationSeconds: duration, aspectRatio: aspectRatio,
                    resolution: resolution))
            Output.errLine("llmkit: submitted \(job.id) (resume with: llmkit job \(job.id) --wait)")
            let progress = ProgressLine()
            var status: JobStatus?
            for try await s in job.updates(timeout: .milliseconds(Int(timeout * 1000))) {
                status = s
                progress.show(s)
            }
            progress.end()
            guard let status else { return }
            if let output {
                guard let video = status.outputs.first else {
                    throw LLMError(.decoding, "job \(job.id) succeeded without an output", provider: id.provider)
                }
                let bytes = try await llm.download(video, provider: id.provider)
                guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                    throw ValidationError("cannot write \(output)")
                }
                Output.errLine("llmkit: wrote \(output) (\(bytes.count) bytes)")
            }
            if json {
                Output.outLine(String(decoding: try JSONEncoder.sorted.encode(status), as: UTF8.self))
            } else if output == nil {
                for o in status.outputs { Output.outLine(o.url ?? "(\(o.data?.count ?? 0) bytes \(o.mimeType ?? ""))") }
            }
        } catch let e as LLMError {
            throw ErrorReporter.report(e, environment: environment)
        }
    }
}

/// A one-line progress display on stderr: state, a bar when the provider reports a percentage, elapsed time.
final class ProgressLine: @unchecked Sendable {
    private let started = ContinuousClock.now

    func show(_ s: JobStatus) {
        let elapsed = ContinuousClock.now - started
        let seconds = Int(elapsed.components.seconds)
        var line = "\r[\(s.state.rawValue)]"
        if let p = s.progress {
            let filled = Int((p * 20).rounded())
            line += " " + String(repeating: "█", count: filled) + String(repeating: "░", count: 20 - filled)
            line += " \(Int((p * 100).rounded()))%"
        }
        line += " \(seconds)s   "
        Output.err(line)
    }

    /// An upload: a bar, megabytes sent of the total, elapsed time.
    func show(_ p: UploadProgress) {
        let seconds = Int((ContinuousClock.now - started).components.seconds)
        let filled = Int((p.fraction * 20).rounded())
        let mb = { (n: Int) in String(format: "%.1f", Double(n) / 1_048_576) }
        Output.err(
            "\r[upload] " + String(repeating: "█", count: filled) + String(repeating: "░", count: 20 - filled)
                + " \(Int((p.fraction * 100).rounded()))% \(mb(p.sent))/\(mb(p.total)) MB \(seconds)s   ")
    }

    func end() { Output.errLine("") }
}
