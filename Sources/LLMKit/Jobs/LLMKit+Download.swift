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
        var headers = HTTPHeaders()
        headers.add(name: "user-agent", value: "llmkit-swift/\(LLMKitVersion.string)")
        let who = provider ?? "download"
        if let provider, let endpoint = try? endpoint(provider), Self.sameHost(url, endpoint.baseURL) {
            let auth = Self.headers(endpoint, wire: WireRequest(path: "", body: .null), accept: "*/*")
            for name in ["authorization", "x-goog-api-key", "x-api-key", "xi-api-key"] {
                if let v = auth.first(name: name) { headers.add(name: name, value: v) }
            }
        }
        let response = try await transport.send(url: url, method: .GET, headers: headers, body: [], provider: who)
        do {
            let body = try await response.body.collect(upTo: limit)
            guard (200..<300).contains(Int(response.status.code)) else {
                throw LLMError(
                    .server, "downloading \(url.prefix(80)) failed: HTTP \(response.status.code)", provider: who,
                    statusCode: Int(response.status.code))
            }
            return Array(body.readableBytesView)
        } catch let e as LLMError {
            throw e
        } catch {
            throw HTTPTransport.map(error, provider: who, url: url)
        }
    }

    static func sameHost(_ a: String, _ b: String) -> Bool {
        func host(_ s: String) -> Substring? {
            guard let r = s.firstRange(of: "://") else { return nil }
            return s[r.upperBound...].prefix { $0 != "/" && $0 != "?" }
        }
        return host(a) != nil && host(a) == host(b)
    }
}
