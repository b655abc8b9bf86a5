import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore

/// `llmkit image PROMPT --model M -o out.png`: generate (or, with --image, edit) an image.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Generate an image, or edit one with --image, and write it to a file.",
        discussion: """
            With several images (--count) the files are named out-1.png, out-2.png, ... \
            Errors are printed to stderr as JSON with exit code 1.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The image model: openai/gpt-image-1, stability/stable-image-ultra | stable-image-core | sd3.5-large, gemini/imagen-4.0-generate-001, gemini/gemini-2.5-flash-image (also vertex/...), fal/OWNER/APP, runware/AIR.",
            valueName: "provider/model"))
    var model: String

    @Option(name: [.short, .customLong("output")], help: "Where to write the image.")
    var output: String?

    @Option(help: "Size, e.g. 1024x1024 or auto; 1K/2K for Google models (Stability and Google use its aspect ratio).")
    var size: String?
    @Option(help: "Quality: low, medium, high, auto (gpt-image); standard, hd (dall-e-3).") var quality: String?
    @Option(help: "Background: transparent, opaque, auto.") var background: String?
    @Option(help: "Output format: png, jpeg, webp.") var format: String?
    @Option(help: "How many images.") var count: Int?
    @Option(help: "An image to edit (repeat for several).") var image: [String] = []
    @Option(help: "Override the provider's base URL.") var baseURL: String?
    @Flag(help: "Print JSON: model, provider, files, revisedPrompts, usage.") var json = false

    @Argument(help: "The prompt.") var prompt: String

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var inputs: [MediaSource] = []
        for path in image {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the image \(path)")
            }
            let mime =
                path.lowercased().hasSuffix(".jpg") || path.lowercased().hasSuffix(".jpeg")
                ? "image/jpeg" : path.lowercased().hasSuffix(".webp") ? "image/webp" : "image/png"
            inputs.append(.data([UInt8](data), mimeType: mime, filename: (path as NSString).lastPathComponent))
        }
        do {
            let id = try ModelID(parsing: model)
            var settings: [String: ProviderSettings] = [:]
            if let baseURL { settings[id.provider] = ProviderSettings(baseURL: baseURL) }
            let r = try await LLMKit(providers: settings, environment: environment).generateImage(
                ImageRequest(
                    model: model, prompt: prompt, count: count, size: size, quality: quality, background: background,
                    outputFormat: format, images: inputs))
            let base = output ?? "image.\(format ?? "png")"
            var files: [String] = []
            for (i, img) in r.images.enumerated() {
                let path: String
                if r.images.count == 1 {
                    path = base
                } else {
                    let ns = base as NSString
                    path = "\(ns.deletingPathExtension)-\(i + 1).\(ns.pathExtension.isEmpty ? "png" : ns.pathExtension)"
                }
                if let data = img.data {
                    guard FileManager.default.createFile(atPath: path, contents: Data(data)) else {
                        throw ValidationError("cannot write \(path)")
                    }
                    files.append(path)
                } else if let url = img.url {
                    files.append(url)  // URL results are printed, not downloaded
                }
            }
            if json {
                let object: JSONValue = .object([
                    ("model", .string(r.model)), ("provider", .string(r.provider)),
                    ("files", .array(files.map(JSONValue.string))),
                    ("revisedPrompts", .array(r.images.map { $0.revisedPrompt.map(JSONValue.string) ?? .null })),
                    ("usage", .object(OutputJSON.usageFields(r.usage))),
                ])
                Output.outLine(JSONWriter.string(object))
            } else {
                for f in files { Output.outLine(f) }
            }
        } catch let e as LLMError {
            throw ErrorReporter.report(e, environment: environment)
        }
    }
}
