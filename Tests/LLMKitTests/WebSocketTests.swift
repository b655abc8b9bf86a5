import LLMKit
import LLMKitCore
import LLMKitTesting
import NIOHTTP1
import Testing

/// The WebSocket client against the loopback server: handshake, messages both ways, fragments,
/// pings, the closing handshake, a refused upgrade, and a socket that drops mid-session.
@Suite("WebSocket client")
struct WebSocketTests {
    static func connect(_ server: LoopbackWebSocketServer, path: String = "/v1/realtime?model=m") async throws
        -> WebSocketConnection
    {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer sk-test")
        return try await WebSocketConnection.connect(
            url: server.baseURL + path, headers: headers, provider: "openai", pingInterval: nil,
            mapRejection: { r in
                LLMError(
                    .authentication, "refused: \(r.status) \(String(decoding: r.body, as: UTF8.self))",
                    provider: "openai", statusCode: r.status)
            })
    }

    @Test(arguments: [UInt64(0), 1, 2, 3])
    func messagesBothWaysAndACleanClose(seed: UInt64) async throws {
        // The 64-bit length form whole, the 16-bit one split; UTF-8 characters split anywhere.
        let big = String(repeating: "ä€x", count: seed == 0 ? 12_000 : 1_000)
        let script: [LoopbackWebSocketServer.Step] = [
            .send(.text(#"{"type":"session.created"}"#)),
            .expect(2),
            .send(.binary([0, 1, 2, 255])),
            .sendFragmented(#"{"type":"fragmented","text":"héllo wörld"}"#, frames: 3),
            .send(.text(String(repeating: "a", count: 300))),
            .send(.text(big)),
            .ping([9, 8, 7]),
            .expect(1),
            .close(code: 1000, reason: "bye"),
        ]
        let delivery: CannedResponse.Delivery = seed == 0 ? .whole : .randomSplits(seed: seed)
        try await LoopbackWebSocketServer.with(script, delivery: delivery) { server in
            let ws = try await Self.connect(server)
            try await ws.send(.text(#"{"type":"session.update"}"#))
            try await ws.send(.binary([1, 2, 3]))
            var got: [WebSocketMessage] = []
            for try await m in ws.messages {
                got.append(m)
                if got.count == 5 { try await ws.send(.text("done")) }
            }
            #expect(
                got == [
                    .text(#"{"type":"session.created"}"#), .binary([0, 1, 2, 255]),
                    .text(#"{"type":"fragmented","text":"héllo wörld"}"#), .text(String(repeating: "a", count: 300)),
                    .text(big),
                ], "seed \(seed)")
            await server.waitUntilClosed()
            #expect(server.requestURI == "/v1/realtime?model=m")
            #expect(server.header("authorization") == "Bearer sk-test")
            #expect(server.header("sec-websocket-version") == "13")
            #expect(server.header("host") == server.baseURL.replacingOccurrences(of: "ws://", with: ""))
            #expect(server.received == [.text(#"{"type":"session.update"}"#), .binary([1, 2, 3]), .text("done")])
            #expect(server.pongs == [[9, 8, 7]])
            #expect(server.clientCloseCode == 1000)
        }
    }

    @Test func clientCloseEndsTheMessagesNormally() async throws {
        try await LoopbackWebSocketServer.with([.send(.text("one")), .expectClose]) { server in
            let ws = try await Self.connect(server)
            var it = ws.messages.makeAsyncIterator()
            #expect(try await it.next() == .text("one"))
            await ws.close()
            #expect(try await it.next() == nil)
            await server.waitUntilClosed()
            #expect(server.clientCloseCode == 1000)
        }
    }

    @Test func aDroppedSocketIsATypedErrorNotAHang() async throws {
        try await LoopbackWebSocketServer.with([.send(.text("partial")), .expect(1), .drop]) { server in
            let ws = try await Self.connect(server)
            var got: [WebSocketMessage] = []
            let e = try #require(
                await llmError {
                    for try await m in ws.messages {
                        got.append(m)
                        try await ws.send(.text("more"))
                    }
                })
            #expect(got == [.text("partial")])
            #expect(e.kind == .network)
            #expect(e.message.contains("dropped mid-session"))
        }
    }

    @Test func anErrorCloseCodeIsReported() async throws {
        try await LoopbackWebSocketServer.with([.close(code: 1008, reason: "invalid model")]) { server in
            let ws = try await Self.connect(server)
            let e = try #require(await llmError { for try await _ in ws.messages {} })
            #expect(e.kind == .network)
            #expect(e.message == "the server closed the session with code 1008: invalid model")
        }
    }

    @Test func aRefusedUpgradeGoesThroughTheProvidersErrorMapping() async throws {
        let body = Array(#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"#.utf8)
        try await LoopbackWebSocketServer.with(
            [], handshake: .reject(status: 401, headers: [("content-type", "application/json")], body: body)
        ) { server in
            let e = try #require(await llmError { _ = try await Self.connect(server) })
            #expect(e.kind == .authentication)
            #expect(e.statusCode == 401)
            #expect(e.message.contains("Incorrect API key provided"))
        }
    }

    @Test func serverPingsAreAnsweredWithTheirPayload() async throws {
        try await LoopbackWebSocketServer.with([.ping([1]), .ping([2, 3]), .expect(1), .close(code: 1000, reason: "")])
        { server in
            let ws = try await Self.connect(server)
            try await ws.send(.text("x"))
            for try await _ in ws.messages {}
            #expect(server.pongs == [[1], [2, 3]])
        }
    }

    @Test func notAWebSocketURLIsAClearError() async throws {
        let e = try #require(
            await llmError {
                _ = try await WebSocketConnection.connect(
                    url: "https://api.openai.com/v1/realtime", headers: [:], provider: "openai",
                    mapRejection: { _ in LLMError(.network, "x") })
            })
        #expect(e.kind == .invalidRequest)
        #expect(e.message.contains("ws:// or wss://"))
    }
}
