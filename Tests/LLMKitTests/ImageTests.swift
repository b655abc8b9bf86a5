import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// OpenAI Images replayed from vercel/ai's recorded bodies (Fixtures/media/openai/SOURCE.md).
@Suite("Images")
struct ImageTests {
    static func client(_ server: LoopbackServer) -> LLMKit {
        LLMKit(
            providers: ["openai": ProviderSettings(apiKey: "k", baseURL: server.baseURL + "/v1")], environment: [:],
            retry: .none)
    }

    static func canned(_ name: String, status: Int = 200) -> CannedResponse {
        CannedResponse(
            status: status, headers: [("content-type", "application/json")],
            body: Fixture.bytes("media/openai/\(name).json"))
    }

    /// The parts of a multipart body: (headers, content) by name, in order.
    static func parts(_ body: [UInt8], boundary: String) -> [(name: String, headers: String, content: [UInt8])] {
        let delimiter = Array("--\(boundary)".utf8)
        var out: [(String, String, [UInt8])] = []
        var starts: [Int] = []
        var i = 0
        while i + delimiter.count <= body.count {
            if Array(body[i..<(i + delimiter.count)]) == delimiter {
                starts.append(i)
                i += delimiter.count
            } else {
                i += 1
            }
        }
        for (a, b) in zip(starts, starts.dropFirst()) {
            let chunk = Array(body[(a + delimiter.count + 2)..<(b - 2)])  // after CRLF, before CRLF
            guard
                let sep = (0..<(chunk.count - 3)).first(where: { chunk[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) })
            else { continue }
            let headers = String(decoding: chunk[..<sep], as: UTF8.self)
            let name = headers.components(separatedBy: "name=\"").dropFirst().first?.components(separatedBy: "\"").first
            out.append((name ?? "", headers, Array(chunk[(sep + 4)...])))
        }
        return out
    }

    @Test("generations: the JSON body, base64 images decoded, revised prompt")
    func generate() async throws {
        let fixture = Fixture.json("media/openai/openai-image.json")
        try await LoopbackServer.with([Self.canned("openai-image")]) { server in
            let r = try await Self.client(server).generateImage(
                ImageRequest(
                    model: "openai/dall-e-3", prompt: "A baby sea otter", count: 1, size: "1024x1024", quality: "hd"))
            let items = try #require(fixture["data"]?.arrayValue)
            #expect(r.images.count == items.count)
            #expect(r.images[0].data == Base64.decode(items[0]["b64_json"]?.stringValue ?? ""))
            #expect(r.images[0].data?.prefix(4) == [0x89, 0x50, 0x4E, 0x47])
            #expect(r.images[0].mimeType == "image/png")
            #expect(r.images[0].revisedPrompt == items[0]["revised_prompt"]?.stringValue)
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1/images/generations")
            #expect(
                req.json == [
                    "model": "dall-e-3", "prompt": "A baby sea otter", "n": 1, "size": "1024x1024", "quality": "hd",
                ])
        }
    }

    @Test("edits: multipart parts in order, the image bytes unchanged, top-level output_format")
    func edit() async throws {
        let png =
            Base64.decode(
                Fixture.json("media/openai/openai-image.json")["data"]?.arrayValue?[0]["b64_json"]?.stringValue ?? "")
            ?? []
        #expect(!png.isEmpty)
        try await LoopbackServer.with([Self.canned("openai-image-edit")]) { server in
            let r = try await Self.client(server).generateImage(
                ImageRequest(
                    model: "openai/gpt-image-1", prompt: "Make it night", size: "1024x1024", quality: "high",
                    background: "opaque", outputFormat: "png",
                    images: [.data(png, mimeType: "image/png", filename: "otter.png")]))
            #expect(r.images.count == 1)
            #expect(r.images[0].mimeType == "image/png")
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1/images/edits")
            let type = try #require(req.header("content-type"))
            #expect(type.hasPrefix("multipart/form-data; boundary="))
            let boundary = String(type.dropFirst("multipart/form-data; boundary=".count))
            let parts = Self.parts(req.body, boundary: boundary)
            #expect(
                parts.map(\.name) == ["model", "prompt", "image", "size", "quality", "background", "output_format"])
            #expect(String(decoding: parts[1].content, as: UTF8.self) == "Make it night")
            #expect(parts[2].headers.contains("filename=\"otter.png\""))
            #expect(parts[2].headers.contains("Content-Type: image/png"))
            #expect(parts[2].content == png)
            #expect(req.body.suffix(boundary.count + 6) == Array("--\(boundary)--\r\n".utf8))
        }
    }

    @Test("errors: the recorded 400, URL images for edits, providers without images")
    func errors() async throws {
        try await LoopbackServer.with([Self.canned("gpt-image-response-format-error", status: 400)]) { server in
            let e = await llmError {
                _ = try await Self.client(server).generateImage(ImageRequest(model: "openai/gpt-image-1", prompt: "x"))
            }
            #expect(e?.kind == .invalidRequest)
            #expect(e?.param == "response_format")
            #expect(e?.providerCode == "unknown_parameter")
        }
        let url = await llmError {
            _ = try await LLMKit(environment: ["OPENAI_API_KEY": "k"]).generateImage(
                ImageRequest(model: "openai/gpt-image-1", prompt: "x", images: [.url("https://example.com/a.png")]))
        }
        #expect(url?.kind == .unsupported)
        let other = await llmError {
            _ = try await LLMKit(environment: ["ANTHROPIC_API_KEY": "k"]).generateImage(
                ImageRequest(model: "anthropic/claude-sonnet-4-5", prompt: "x"))
        }
        #expect(other?.kind == .unsupported)
    }
}
