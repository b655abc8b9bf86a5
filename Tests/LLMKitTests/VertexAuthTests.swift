import Foundation
import LLMKit
import LLMKitCore
import LLMKitGoogleAuth
import LLMKitTesting
import Testing
import _CryptoExtras

/// Vertex AI with a service-account file: a JWT signed RS256, exchanged for a
/// token at the file's `token_uri`, cached across calls.
@Suite("Vertex service account")
struct VertexAuthTests {
    @Test func serviceAccountFileWithoutASignerSaysWhatToAdd() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sa-\(UUID().uuidString).json")
        try Data(JSONWriter.bytes(["client_email": "a@b", "private_key": "k"])).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let llm = LLMKit(environment: ["GOOGLE_CLOUD_PROJECT": "p", "GOOGLE_APPLICATION_CREDENTIALS": file.path])
        let e = try #require(
            await llmError {
                _ = try await llm.complete(ChatRequest(model: "vertex/gemini-2.5-flash", messages: [.user("hi")]))
            })
        #expect(e.kind == .notConfigured)
        #expect(e.message.contains("LLMKitGoogleAuth"))
    }

    @Test func serviceAccountJWTExchangeAndCaching() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        // The token endpoint's documented answer shape
        // (https://developers.google.com/identity/protocols/oauth2/service-account#httprest, 2026-11-25).
        let token = CannedResponse(
            headers: [("content-type", "application/json")],
            body: Array(#"{"access_token":"ya29.c.test-token","expires_in":3599,"token_type":"Bearer"}"#.utf8))
        try await LoopbackServer.with([
            token, Fixture.response("vertex", "text", ext: "json"), Fixture.response("vertex", "text", ext: "json"),
        ]) { server in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("sa-\(UUID().uuidString).json")
            let account: JSONValue = [
                "type": "service_account", "project_id": "proj", "client_email": "bot@proj.iam.gserviceaccount.com",
                "private_key": .string(key.pemRepresentation), "token_uri": .string(server.baseURL + "/token"),
            ]
            try Data(JSONWriter.bytes(account)).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let llm = LLMKit(
                environment: [
                    "GOOGLE_CLOUD_PROJECT": "proj", "GOOGLE_CLOUD_LOCATION": "europe-west4",
                    "GOOGLE_APPLICATION_CREDENTIALS": file.path, "VERTEX_BASE_URL": server.baseURL,
                ], retry: .none, serviceAccountSigner: RS256Signer())
            let request = ChatRequest(model: "vertex/gemini-2.5-flash", messages: [.user("hi")])
            _ = try await llm.complete(request)
            _ = try await llm.complete(request)
            let requests = server.requests
            #expect(requests.count == 3)
            #expect(requests[0].uri == "/token")
            #expect(requests[0].header("content-type") == "application/x-www-form-urlencoded")
            let form = String(decoding: requests[0].body, as: UTF8.self)
            #expect(form.hasPrefix("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="))
            let jwt = String(form.split(separator: "=", maxSplits: 2)[2])
            let pieces = jwt.split(separator: ".").map(String.init)
            #expect(pieces.count == 3)
            let header = try JSONValue(parsing: Base64.decode(pieces[0]) ?? [])
            let claims = try JSONValue(parsing: Base64.decode(pieces[1]) ?? [])
            #expect(header == ["alg": "RS256", "typ": "JWT"])
            #expect(claims["iss"] == "bot@proj.iam.gserviceaccount.com")
            #expect(claims["aud"] == .string(server.baseURL + "/token"))
            #expect(claims["scope"] == "https://www.googleapis.com/auth/cloud-platform")
            #expect((claims["exp"]?.intValue ?? 0) - (claims["iat"]?.intValue ?? 0) == 3600)
            let signature = _RSA.Signing.RSASignature(rawRepresentation: Base64.decode(pieces[2]) ?? [])
            #expect(
                key.publicKey.isValidSignature(
                    signature, for: Data((pieces[0] + "." + pieces[1]).utf8), padding: .insecurePKCS1v1_5))
            for r in requests.dropFirst() {
                #expect(
                    r.uri
                        == "/v1/projects/proj/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent"
                )
                #expect(r.header("authorization") == "Bearer ya29.c.test-token")
            }
        }
    }
}
