import AsyncHTTPClient
import LLMKitCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Signs a service-account JWT (RS256: RSASSA-PKCS1-v1_5 with SHA-256).
///
/// Kept behind a protocol so the core library needs no cryptography package;
/// `LLMKitGoogleAuth.RS256Signer` implements it with swift-crypto.
public protocol ServiceAccountSigner: Sendable {
    /// The signature of `message` with the PEM private key of the service account.
    func signRS256(_ message: [UInt8], privateKeyPEM: String) throws -> [UInt8]
}

/// Vertex AI project, location and OAuth token: a fixed token from
/// `VERTEX_ACCESS_TOKEN`, or one obtained from a service-account JSON file
/// (`GOOGLE_APPLICATION_CREDENTIALS`) by the JWT-bearer exchange, cached until
/// a minute before it expires.
package struct VertexCredentials: Sendable {
    package var project: String
    package var location: String
    let source: Source

    enum Source: Sendable {
        case token(String)
        case serviceAccount(ServiceAccount, TokenCache, any ServiceAccountSigner)
    }

    struct ServiceAccount: Sendable {
        var clientEmail: String
        var privateKeyPEM: String
        var tokenURI: String
    }

    /// Token caches by service account, owned by one `LLMKit` value.
    package final class TokenCaches: Sendable {
        private let caches = NIOLockedValueBox<[String: TokenCache]>([:])
        package init() {}
        func cache(for key: String) -> TokenCache {
            caches.withLockedValue { c in
                if let existing = c[key] { return existing }
                let new = TokenCache()
                c[key] = new
                return new
            }
        }
    }

    actor TokenCache {
        var token: String?
        var expires = ContinuousClock.now
        func get() -> String? { ContinuousClock.now < expires ? token : nil }
        func set(_ token: String, validFor seconds: Int) {
            self.token = token
            expires = .now + .seconds(max(0, seconds - 60))
        }
    }

    /// Reads project, location and credentials from the environment.
    package static func resolve(
        token: String?, environment env: [String: String], caches: TokenCaches, signer: (any ServiceAccountSigner)?
    ) throws(LLMError) -> VertexCredentials {
        func value(_ names: String...) -> String? {
            names.lazy.compactMap { env[$0] }.first { !$0.isEmpty }
        }
        guard let project = value("GOOGLE_CLOUD_PROJECT", "VERTEX_PROJECT") else {
            throw LLMError(
                .notConfigured, "Vertex AI needs a project: set GOOGLE_CLOUD_PROJECT (or VERTEX_PROJECT)",
                provider: "vertex")
        }
        let location = value("GOOGLE_CLOUD_LOCATION", "VERTEX_LOCATION") ?? "us-central1"
        if let token {
            return VertexCredentials(project: project, location: location, source: .token(token))
        }
        guard let path = value("GOOGLE_APPLICATION_CREDENTIALS") else {
            throw LLMError(
                .notConfigured,
                "Vertex AI needs credentials: set VERTEX_ACCESS_TOKEN (e.g. from `gcloud auth print-access-token`) or GOOGLE_APPLICATION_CREDENTIALS (a service-account JSON file)",
                provider: "vertex")
        }
        guard let data = FileManager.default.contents(atPath: path),
            let json = try? JSONValue(parsing: [UInt8](data))
        else {
            throw LLMError(
                .notConfigured, "cannot read the service-account file at GOOGLE_APPLICATION_CREDENTIALS (\(path))",
                provider: "vertex")
        }
        guard let email = json["client_email"]?.stringValue, let key = json["private_key"]?.stringValue else {
            throw LLMError(
                .notConfigured,
                "\(path) is not a service-account key (no client_email/private_key); user credentials are not supported, use VERTEX_ACCESS_TOKEN",
                provider: "vertex")
        }
        let uri = json["token_uri"]?.stringValue ?? "https://oauth2.googleapis.com/token"
        guard let signer else {
            throw LLMError(
                .notConfigured,
                "service-account files need RS256 signing: add the LLMKitGoogleAuth product, `import LLMKitGoogleAuth` and pass `LLMKit(serviceAccountSigner: RS256Signer())`; or set VERTEX_ACCESS_TOKEN",
                provider: "vertex")
        }
        return VertexCredentials(
            project: project, location: location,
            source: .serviceAccount(
                ServiceAccount(clientEmail: email, privateKeyPEM: key, tokenURI: uri),
                caches.cache(for: email + " " + uri), signer))
    }

    /// The signed JWT assertion for the token exchange.
    static func assertion(
        _ account: ServiceAccount, signer: any ServiceAccountSigner, now: Date = Date()
    ) throws(LLMError) -> String {
        let iat = Int(now.timeIntervalSince1970)
        let header = JSONWriter.bytes(["alg": "RS256", "typ": "JWT"])
        let claims = JSONWriter.bytes([
            "iss": .string(account.clientEmail), "scope": "https://www.googleapis.com/auth/cloud-platform",
            "aud": .string(account.tokenURI), "iat": .int(iat), "exp": .int(iat + 3600),
        ])
        let input =
            Base64.encode(header, urlSafe: true, padding: false) + "."
            + Base64.encode(claims, urlSafe: true, padding: false)
        do {
            let signature = try signer.signRS256(Array(input.utf8), privateKeyPEM: account.privateKeyPEM)
            return input + "." + Base64.encode(signature, urlSafe: true, padding: false)
        } catch {
            throw LLMError(
                .notConfigured, "the service-account private key cannot be used for signing: \(error)",
                provider: "vertex")
        }
    }

    /// A valid access token.
    package func token(_ transport: HTTPTransport) async throws(LLMError) -> String {
        switch source {
        case .token(let t): return t
        case .serviceAccount(let account, let cache, let signer):
            if let t = await cache.get() { return t }
            let jwt = try Self.assertion(account, signer: signer)
            var request = HTTPClientRequest(url: account.tokenURI)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(
                ByteBuffer(string: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(jwt)"))
            do {
                // The call's own first-byte timeout, like every other request (was a fixed 30 s).
                let response = try await transport.client.execute(
                    request, timeout: .init(transport.timeouts.firstByte), logger: transport.logger)
                let body = try await response.body.collect(upTo: 1 << 20)
                let json = try? JSONValue(parsing: Array(body.readableBytesView))
                guard response.status == .ok, let token = json?["access_token"]?.stringValue else {
                    let reason =
                        json?["error_description"]?.stringValue ?? json?["error"]?.stringValue
                        ?? "\(response.status): \(String(buffer: body).prefix(200))"
                    throw LLMError(
                        .authentication, "the service-account token exchange failed: \(reason)", provider: "vertex",
                        statusCode: Int(response.status.code))
                }
                await cache.set(token, validFor: json?["expires_in"]?.intValue ?? 3600)
                return token
            } catch {
                throw HTTPTransport.map(error, provider: "vertex", url: account.tokenURI)
            }
        }
    }
}
