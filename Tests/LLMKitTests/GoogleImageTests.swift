import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Imagen (`:predict`) and Gemini native image output (`:generateContent`) on the Gemini API and Vertex AI,
/// replayed from the recordings in Fixtures/media/google (SOURCE.md). Their base64 images were cut by the
/// recording tools (`…200 chars...TRUNCATED(N chars total)`): replayed as recorded they must fail with
/// `.decoding`; the success path replays them with the marker removed in memory (the 200 characters kept decode
/// to the start of the real image) and checks those bytes.
@Suite("Images: Imagen and Gemini")
struct GoogleImageTests {
    static let folder = "media/google"

    static func gemini(_ server: LoopbackServer) -> LLMKit {
        LLMKit(
            providers: ["gemini": ProviderSettings(apiKey: "g-key-5678", baseURL: server.baseURL)], environment: [:],
            retry: .none)
    }

    static func vertex(_ server: LoopbackServer) -> LLMKit {
        LLMKit(
            environment: [
                "GOOGLE_CLOUD_PROJECT": "proj", "GOOGLE_CLOUD_LOCATION": "us-central1",
                "VERTEX_ACCESS_TOKEN": "ya29.token", "VERTEX_BASE_URL": server.baseURL,
            ], retry: .none)
    }

    /// The fixture with every `...TRUNCATED(N chars total)` marker removed (in memory only).
    static func uncut(_ name: String) -> CannedResponse {
        var r = Fixture.response(folder, name, ext: "json", delivery: .randomSplits(seed: 3))
        let text = String(decoding: r.body, as: UTF8.self)
        r.body = Array(
            text.replacingOccurrences(
                of: #"\.\.\.TRUNCATED\(\d+ chars total\)"#, with: "", options: .regularExpression
            ).utf8)
        return r
    }

    /// The first 200 base64 characters the recording kept, decoded.
    static func kept(_ b64: String?) -> [UInt8]? {
        guard let b64, let r = b64.range(of: "...TRUNCATED(") else { return nil }
        return Base64.decode(String(b64[..<r.lowerBound]))
    }

    @Test("Imagen on the Gemini API: the recorded request, the JPEG, the truncated base64 refused as recorded")
    func imagenGemini() async throws {
        let recorded = Fixture.json("\(Self.folder)/imagen-gemini-predict.request.json")
        let prediction = Fixture.json("\(Self.folder)/imagen-gemini-predict.json")["predictions"]?.arrayValue?[0]
        let request = ImageRequest(
            model: "gemini/imagen-4.0-fast-generate-001",
            prompt: recorded["instances"]?.arrayValue?[0]["prompt"]?.stringValue ?? "", count: 1,
            outputFormat: "jpeg",
            extra: ["personGeneration": "allow_adult", "includeSafetyAttributes": true, "includeRAIReason": true])
        try await LoopbackServer.with([
            Self.uncut("imagen-gemini-predict"), Fixture.response(Self.folder, "imagen-gemini-predict", ext: "json"),
        ]) { server in
            let llm = Self.gemini(server)
            let r = try await llm.generateImage(request)
            #expect(r.images.count == 1)  // the "Positive Prompt" safety element is not an image
            let expected = try #require(Self.kept(prediction?["bytesBase64Encoded"]?.stringValue))
            #expect(expected.count == 150)
            #expect(r.images[0].data == expected)
            #expect(r.images[0].data?.prefix(3) == [0xFF, 0xD8, 0xFF])
            #expect(r.images[0].mimeType == "image/jpeg")
            #expect(r.images[0].revisedPrompt == nil)
            #expect(r.warnings.isEmpty)
            let req = try #require(server.requests.first)
            #expect(req.method == "POST")
            #expect(req.uri == "/v1beta/models/imagen-4.0-fast-generate-001:predict")
            #expect(req.header("x-goog-api-key") == "g-key-5678")
            #expect(req.json == recorded)
            let e = await llmError { _ = try await llm.generateImage(request) }
            #expect(e?.kind == .decoding)
            #expect(e?.message.contains("not valid base64") == true)
        }
    }

    @Test("Imagen on Vertex AI: the enhanced prompt as revisedPrompt; includeRaiReason added by default")
    func imagenVertex() async throws {
        let recorded = Fixture.json("\(Self.folder)/imagen-vertex-predict.request.json")
        let prediction = Fixture.json("\(Self.folder)/imagen-vertex-predict.json")["predictions"]?.arrayValue?[0]
        try await LoopbackServer.with([Self.uncut("imagen-vertex-predict")]) { server in
            let r = try await Self.vertex(server).generateImage(
                ImageRequest(
                    model: "vertex/imagen-3.0-generate-002", prompt: "Robot holding a red skateboard", count: 1,
                    outputFormat: "jpeg", extra: ["includeSafetyAttributes": true]))
            #expect(r.images.count == 1)
            #expect(r.images[0].data == Self.kept(prediction?["bytesBase64Encoded"]?.stringValue))
            #expect(r.images[0].data?.prefix(3) == [0xFF, 0xD8, 0xFF])
            #expect(r.images[0].revisedPrompt == prediction?["prompt"]?.stringValue)
            #expect(r.images[0].revisedPrompt?.hasPrefix("A detailed, high-quality image of a sleek") == true)
            let req = try #require(server.requests.first)
            #expect(
                req.uri
                    == "/v1/projects/proj/locations/us-central1/publishers/google/models/imagen-3.0-generate-002:predict"
            )
            #expect(req.header("authorization") == "Bearer ya29.token")
            let parameters = try #require(recorded["parameters"])
            #expect(req.json == recorded.setting("parameters", parameters.setting("includeRaiReason", true)))
        }
    }

    @Test("Imagen: some images filtered -> the rest plus a warning; a blocked prompt -> contentFiltered")
    func imagenFiltered() async throws {
        let reason = Fixture.json("\(Self.folder)/imagen-vertex-some-filtered.json")["predictions"]?.arrayValue?[2][
            "raiFilteredReason"]?.stringValue
        try await LoopbackServer.with([
            Fixture.response(Self.folder, "imagen-vertex-some-filtered", ext: "json"),
            Fixture.response(Self.folder, "imagen-error-400-prompt-blocked", ext: "json"),
        ]) { server in
            let llm = Self.vertex(server)
            let r = try await llm.generateImage(
                ImageRequest(model: "vertex/imagen-3.0-generate-002", prompt: "x", count: 4, size: "1024x1024"))
            #expect(
                r.images.map(\.url) == [
                    "gs://test-project-id-1234.firebasestorage.app/images/1234567890123/sample_0.jpg",
                    "gs://test-project-id-1234.firebasestorage.app/images/1234567890123/sample_1.jpg",
                ])
            #expect(r.images.allSatisfy { $0.mimeType == "image/jpeg" && $0.data == nil })
            #expect(r.warnings.map(\.code) == ["parameter_mapped", "images_filtered"])
            #expect(r.warnings[1].message == reason)
            #expect(
                server.requests[0].json?["parameters"]
                    == ["sampleCount": 4, "aspectRatio": "1:1", "includeRaiReason": true])
            let e = await llmError {
                _ = try await llm.generateImage(ImageRequest(model: "vertex/imagen-3.0-generate-002", prompt: "x"))
            }
            #expect(e?.kind == .contentFiltered)
            #expect(e?.statusCode == 400)
            #expect(e?.message.contains("Support codes: 42876398") == true)
        }
    }

    @Test("Gemini 3 Pro Image on the Gemini API: the recorded request, the JPEG and the story text, usage")
    func geminiNative() async throws {
        let recorded = Fixture.json("\(Self.folder)/gemini-image-with-text-generateContent.request.json")
        let answer = Fixture.json("\(Self.folder)/gemini-image-with-text-generateContent.json")
        let parts = answer["candidates"]?.arrayValue?[0]["content"]?["parts"]?.arrayValue ?? []
        try await LoopbackServer.with([Self.uncut("gemini-image-with-text-generateContent")]) { server in
            let r = try await Self.gemini(server).generateImage(
                ImageRequest(
                    model: "gemini/gemini-3-pro-image-preview",
                    prompt: "Generate an illustrated two-sentence story about an axolotl."))
            #expect(r.images.count == 1)
            #expect(r.images[0].data == Self.kept(parts[1]["inlineData"]?["data"]?.stringValue))
            #expect(r.images[0].data?.prefix(3) == [0xFF, 0xD8, 0xFF])
            #expect(r.images[0].mimeType == "image/jpeg")
            #expect(r.text == parts[0]["text"]?.stringValue)
            #expect(r.usage == Usage(inputTokens: 14, outputTokens: 1283 + 174, reasoningTokens: 174))
            #expect(r.warnings.isEmpty)
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1beta/models/gemini-3-pro-image-preview:generateContent")
            #expect(req.header("x-goog-api-key") == "g-key-5678")
            #expect(req.json == recorded)
        }
    }

    @Test("Gemini 2.5 Flash Image on Vertex AI: the recorded request, the PNG and 'Here you go!'; mapped options")
    func geminiNativeVertex() async throws {
        let recorded = Fixture.json("\(Self.folder)/vertex-gemini-image-generateContent.request.json")
        try await LoopbackServer.with([
            Self.uncut("vertex-gemini-image-generateContent"), Self.uncut("vertex-gemini-image-generateContent"),
        ]) { server in
            let llm = Self.vertex(server)
            let r = try await llm.generateImage(
                ImageRequest(model: "vertex/gemini-2.5-flash-image", prompt: "Generate an image of an axolotl."))
            #expect(r.images.count == 1)
            #expect(r.images[0].data?.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            #expect(r.images[0].mimeType == "image/png")
            #expect(r.text == "Here you go! ")
            #expect(r.usage == Usage(inputTokens: 9, outputTokens: 1295, reasoningTokens: nil))
            #expect(
                server.requests[0].uri
                    == "/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.5-flash-image:generateContent"
            )
            #expect(server.requests[0].json == recorded)
            // Options: size 2K is exact, seed maps, count and negativePrompt cannot be sent.
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
            let edited = try await llm.generateImage(
                ImageRequest(
                    model: "vertex/gemini-2.5-flash-image", prompt: "Add a hat", count: 2, size: "2K",
                    images: [.data(png, mimeType: "image/png")], aspectRatio: "16:9", negativePrompt: "blur", seed: 7))
            #expect(edited.warnings.map(\.code) == ["parameter_dropped", "parameter_dropped"])
            #expect(
                server.requests[1].json == [
                    "contents": [
                        [
                            "parts": [
                                ["text": "Add a hat"], ["inlineData": ["mimeType": "image/png", "data": "iVBORw=="]],
                            ],
                            "role": "user",
                        ]
                    ],
                    "generationConfig": [
                        "responseModalities": ["TEXT", "IMAGE"],
                        "imageConfig": ["aspectRatio": "16:9", "imageSize": "2K"], "seed": 7,
                    ],
                ])
        }
    }

    @Test("a Gemini model without image output, and Imagen edits, are refused before any request")
    func refused() async throws {
        let llm = LLMKit(
            providers: ["gemini": ProviderSettings(apiKey: "k", baseURL: "http://127.0.0.1:9")], environment: [:])
        let chat = await llmError {
            _ = try await llm.generateImage(ImageRequest(model: "gemini/gemini-2.5-flash", prompt: "x"))
        }
        #expect(chat?.kind == .unsupported)
        #expect(chat?.message.contains("gemini/imagen-4.0-generate-001") == true)
        let edit = await llmError {
            _ = try await llm.generateImage(
                ImageRequest(
                    model: "gemini/imagen-4.0-generate-001", prompt: "x", images: [.data([1], mimeType: "image/png")]))
        }
        #expect(edit?.kind == .unsupported)
    }
}
