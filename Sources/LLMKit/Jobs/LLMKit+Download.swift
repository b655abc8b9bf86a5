import AsyncHTTPClient
import LLMKitCore
import NIOCore
import NIOHTTP1

extension LLMKit {
    /// The bytes of a job's output: its inline data, or a GET of its URL (up to `limit` bytes). When
    /// `provider` is given and the URL is on that provider's own host, the provider's key goes along
    /// (Google's Veo file URIs need it); other hosts (signed CDN URLs) get no credentials.
    public func download(_ output: MediaOutput, provider: String? = nil, limit: Int = 2 << 30) async throws(LLMError)
        -> [UInt8]
    {
        if let data = output.data { return data }
        guard let url = output.url, url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw LLMError(.invalidRequest, "the output has neither bytes nor an http(s) URL to download")
        }
        let who = provider ?? "download"
        var credentials: [(String, String)] = []
        var home: String?
        if let provider, let endpoint = try? endpoint(provider) {
            home = endpoint.baseURL
            let auth = Self.headers(endpoint, wire: WireRequest(path: "", body: .null), accept: "*/*")
            for name in ["authorization", "x-goog-api-key", "x-api-key", "xi-api-key"] {
                if let v = auth.first(name: name) { credentials.append((name, v)) }
            }
        }
        // Redirects are followed here, not by the HTTP client (which never follows them, so a key cannot
        // leak): up to five, the key only while the URL stays on the provider's host (Veo's file URIs
        // answer 302 to another path on the same host).
        var current = url
        for _ in 0..<6 {
            var headers = HTTPHeaders()
            headers.add(name: "user-agent", value: "llmkit-swift/\(LLMKitVersion.string)")
            if let home, Self.sameHost(current, home) { for (k, v) in credentials { headers.add(name: k, value: v) } }
            let response = try await transport.send(
                url: current, method: .GET, headers: headers, body: [], provider: who)
            let status = Int(response.status.code)
            if (300..<400).contains(status), let location = response.headers.first(name: "location") {
                current = location.hasPrefix("/") ? Self.origin(current) + location : location
                continue
            }
            do {
                let body = try await response.body.collect(upTo: limit)
                guard (200..<300).contains(status) else {
                    throw LLMError(
                        .server, "downloading \(current.prefix(80)) failed: HTTP \(status)", provider: who,
                        statusCode: status)
                }
                return Array(body.readableBytesView)
            } catch let e as LLMError {
                throw e
            } catch {
                throw HTTPTransport.map(error, provider: who, url: current)
            }
        }
        throw LLMError(.network, "downloading \(url.prefix(80)) redirected more than five times", provider: who)
    }

    /// `scheme://host[:port]` of a URL.
    static func origin(_ url: String) -> String {
        guard let r = url.firstRange(of: "://") else { return url }
        return String(url[..<r.upperBound]) + url[r.upperBound...].prefix { $0 != "/" && $0 != "?" }
    }

    static func sameHost(_ a: String, _ b: String) -> Bool {
        func host(_ s: String) -> Substring? {
            guard let r = s.firstRange(of: "://") else { return nil }
            return s[r.upperBound...].prefix { $0 != "/" && $0 != "?" }
        }
        return host(a) != nil && host(a) == host(b)
    }
}
