import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Stability AI v2beta generate endpoints, replayed from the examples in Stability's OpenAPI document
/// (Fixtures/media/stability/SOURCE.md).
@Suite("Images: Stability AI")
struct StabilityImageTests {
    static let folder = "media/stability"

    static func client(_ server: LoopbackServer) -> LLMKit {
        LLMKit(
            providers: ["stability": ProviderSettings(apiKey: "sk-test-1234", baseURL: server.baseURL)],
            environment: [:], retry: .none)
    }

    /// The documented answer with its example image string as printed: `AAAA…W1...` (the docs cut it with "...").
    static var printedImage: String {
        Fixture.json("\(folder)/generate-json-openapi.json")["image"]?.stringValue ?? ""
    }

    /// The documented answer with the docs' trailing "..." removed in memory (the file stays as printed): the
    /// 39 base64 characters before it decode to the bytes the test expects.
    static func uncut(_ name: String, delivery: CannedResponse.Delivery = .whole) -> CannedResponse {
        var r = Fixture.response(folder, name, ext: "json", delivery: delivery)
        let text = String(decoding: r.body, as: UTF8.self).replacingOccurrences(of: "W1...\"", with: "W1\"")
        r.body = Array(text.utf8)
        return r
    }

    static func parts(_ req: CapturedRequest) throws -> [(name: String, headers: String, content: [UInt8])] {
        let type = try #require(req.header("content-type"))
        #expect(type.hasPrefix("multipart/form-data; boundary="))
        return ImageTests.parts(req.body, boundary: String(type.dropFirst("multipart/form-data; boundary=".count)))
    }

    static func text(_ p: (name: String, headers: String, content: [UInt8])) -> String {
        String(decoding: p.content, as: UTF8.self)
    }

    @Test("ultra: multipart fields part by part, Accept JSON, the image decoded with its seed")
    func ultra() async throws {
        #expect(Self.printedImage == "AAAAIGZ0eXBpc29tAAACAGlzb21pc28yYXZjMW1...")
        let expected = try #require(Base64.decode(String(Self.printedImage.dropLast(3))))
        try await LoopbackServer.with([Self.uncut("generate-json-openapi", delivery: .randomSplits(seed: 5))]) {
            server in
            let r = try await Self.client(server).generateImage(
                ImageRequest(
                    model: "stability/stable-image-ultra", prompt: "Lighthouse on a cliff overlooking the ocean",
                    outputFormat: "webp", aspectRatio: "16:9", negativePrompt: "fog", seed: 42,
                    extra: ["style_preset": "photographic"]))
            #expect(r.images.count == 1)
            #expect(r.images[0].data == expected)
            #expect(r.images[0].data.map { Array($0.prefix(12)) } == [0, 0, 0, 0x20] + Array("ftypisom".utf8))
            #expect(r.images[0].mimeType == "image/webp")
            #expect(r.images[0].seed == 343_940_597)
            #expect(r.warnings.isEmpty)
            #expect(r.provider == "stability" && r.model == "stable-image-ultra")
            let req = try #require(server.requests.first)
            #expect(req.method == "POST")
            #expect(req.uri == "/v2beta/stable-image/generate/ultra")
            #expect(req.header("authorization") == "Bearer sk-test-1234")
            #expect(req.header("accept") == "application/json")
            let parts = try Self.parts(req)
            #expect(
                parts.map(\.name) == [
                    "prompt", "negative_prompt", "aspect_ratio", "seed", "output_format", "style_preset",
                ])
            #expect(
                parts.map(Self.text) == [
                    "Lighthouse on a cliff overlooking the ocean", "fog", "16:9", "42", "webp", "photographic",
                ])
            #expect(parts.allSatisfy { !$0.headers.contains("filename=") })
        }
    }

    @Test("the printed example's image ('...' included) is not base64: a decoding error, no partial image")
    func printedExampleIsNotDecodable() async throws {
        try await LoopbackServer.with([Fixture.response(Self.folder, "generate-json-openapi", ext: "json")]) {
            server in
            let e = await llmError {
                _ = try await Self.client(server).generateImage(
                    ImageRequest(model: "stability/stable-image-core", prompt: "x"))
            }
            #expect(e?.kind == .decoding)
            #expect(e?.message.contains("base64") == true)
        }
    }

    @Test("sd3 image-to-image: model, mode, the image file, strength; count 2 sends two requests")
    func sd3ImageToImage() async throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]  // opaque input bytes
        try await LoopbackServer.with([Self.uncut("generate-json-openapi"), Self.uncut("generate-json-openapi")]) {
            server in
            let r = try await Self.client(server).generateImage(
                ImageRequest(
                    model: "stability/sd3.5-large", prompt: "make it night", count: 2, size: "1024x1024",
                    quality: "high", images: [.data(png, mimeType: "image/png", filename: "in.png")], strength: 0.4))
            #expect(r.images.count == 2)
            #expect(r.images.allSatisfy { $0.mimeType == "image/png" })
            #expect(
                r.warnings.map(\.code) == ["parameter_mapped", "parameter_dropped", "parameter_dropped"])
            #expect(r.warnings[1].message.contains("aspect_ratio 1:1"))
            #expect(r.warnings[2].message.contains("quality"))
            #expect(server.requests.count == 2)
            #expect(server.requests[0].body.count == server.requests[1].body.count)
            let req = server.requests[0]
            #expect(req.uri == "/v2beta/stable-image/generate/sd3")
            let parts = try Self.parts(req)
            #expect(parts.map(\.name) == ["prompt", "model", "mode", "image", "strength"])
            #expect(Self.text(parts[1]) == "sd3.5-large")
            #expect(Self.text(parts[2]) == "image-to-image")
            #expect(parts[3].headers.contains("filename=\"in.png\""))
            #expect(parts[3].headers.contains("Content-Type: image/png"))
            #expect(parts[3].content == png)
            #expect(Self.text(parts[4]) == "0.4")
        }
    }

    @Test("CONTENT_FILTERED and the documented error bodies map to LLMError kinds")
    func errors() async throws {
        try await LoopbackServer.with([
            Self.uncut("generate-content-filtered-openapi"),
            Fixture.response(Self.folder, "error-403-content-moderation-openapi", ext: "json"),
            Fixture.response(Self.folder, "error-422-public-figure-openapi", ext: "json"),
            Fixture.response(Self.folder, "error-400-openapi", ext: "json"),
            Fixture.response(Self.folder, "error-429-openapi", ext: "json"),
            CannedResponse(headers: [("content-type", "application/json")], body: Array("{\"image\": ".utf8)),
        ]) { server in
            let llm = Self.client(server)
            let request = ImageRequest(model: "stability/stable-image-core", prompt: "x")
            let filtered = await llmError { _ = try await llm.generateImage(request) }
            #expect(filtered?.kind == .contentFiltered)
            #expect(filtered?.providerCode == "CONTENT_FILTERED")
            let moderated = await llmError { _ = try await llm.generateImage(request) }
            #expect(moderated?.kind == .contentFiltered)
            #expect(moderated?.statusCode == 403)
            #expect(moderated?.providerCode == "content_moderation")
            #expect(moderated?.message.hasPrefix("Your request was flagged by our content moderation system") == true)
            let figure = await llmError { _ = try await llm.generateImage(request) }
            #expect(figure?.kind == .invalidRequest)
            #expect(figure?.providerCode == "public_figure")
            #expect(figure?.message.hasPrefix("Our system detected the likeness of a public figure") == true)
            let bad = await llmError { _ = try await llm.generateImage(request) }
            #expect(bad?.kind == .invalidRequest)
            #expect(bad?.message == "some-field: is required")
            let limited = await llmError { _ = try await llm.generateImage(request) }
            #expect(limited?.kind == .rateLimited)
            #expect(limited?.providerCode == "rate_limit_exceeded")
            let malformed = await llmError { _ = try await llm.generateImage(request) }
            #expect(malformed?.kind == .decoding)
            for e in [filtered, moderated, figure, bad, limited, malformed] {
                #expect(e?.message.contains("sk-test-1234") == false)
            }
        }
    }

    @Test("refused before any request: unknown model, core with an image, an image without strength, a mask")
    func refusedLocally() async throws {
        let llm = LLMKit(
            providers: ["stability": ProviderSettings(apiKey: "k", baseURL: "http://127.0.0.1:9")], environment: [:])
        let png: MediaSource = .data([1, 2, 3], mimeType: "image/png")
        let unknown = await llmError {
            _ = try await llm.generateImage(ImageRequest(model: "stability/stable-video", prompt: "x"))
        }
        #expect(unknown?.kind == .unsupported)
        #expect(unknown?.message.contains("stability/stable-image-ultra") == true)
        let core = await llmError {
            _ = try await llm.generateImage(
                ImageRequest(model: "stability/stable-image-core", prompt: "x", images: [png], strength: 0.5))
        }
        #expect(core?.kind == .unsupported)
        let noStrength = await llmError {
            _ = try await llm.generateImage(
                ImageRequest(model: "stability/stable-image-ultra", prompt: "x", images: [png]))
        }
        #expect(noStrength?.kind == .invalidRequest)
        #expect(noStrength?.message.contains("strength") == true)
        let mask = await llmError {
            _ = try await llm.generateImage(
                ImageRequest(model: "stability/sd3.5-medium", prompt: "x", images: [png], mask: png, strength: 0.5))
        }
        #expect(mask?.kind == .unsupported)
    }
}
