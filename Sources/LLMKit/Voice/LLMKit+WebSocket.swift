import LLMKitCore
import NIOHTTP1

extension LLMKit {
    /// Opens a WebSocket to `path` under `endpoint`'s base URL (`https` becomes `wss`), with the
    /// provider's key and headers. A refused upgrade reads like the provider's HTTP errors (401 names
    /// the key variable), with the key redacted.
    func openWebSocket(
        _ endpoint: Endpoint, model: String, path: String, extraHeaders: [(String, String)] = [],
        pingInterval: Duration? = .seconds(20)
    ) async throws(LLMError) -> WebSocketConnection {
        var url = endpoint.baseURL + path
        if url.hasPrefix("https://") {
            url = "wss://" + url.dropFirst(8)
        } else if url.hasPrefix("http://") {
            url = "ws://" + url.dropFirst(7)
        }
        var headers = Self.headers(endpoint, wire: WireRequest(path: path, body: .null), accept: "*/*")
        headers.remove(name: "content-type")
        headers.remove(name: "accept")
        for (k, v) in extraHeaders { headers.replaceOrAdd(name: k, value: v) }
        let errors = plainCall(endpoint, model: model, path: path, method: .GET, body: [])
        return try await WebSocketConnection.connect(
            url: url, headers: headers, provider: endpoint.info.id, timeouts: transport.timeouts,
            pingInterval: pingInterval,
            mapRejection: { r in
                var e = errors.mapError(status: r.status, headers: r.headers, body: r.body)
                if r.status == 0 {
                    e = LLMError(
                        .network, "the server closed the connection during the WebSocket handshake",
                        provider: endpoint.info.id)
                }
                return e
            })
    }
}
