import LLMKit
import LLMKitCore
import LLMKitTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// LLMKit's own HTTP/1.1 client: URL splitting, connection reuse, the stale-connection retry,
/// timeouts, backpressure and closing a connection whose body was dropped.
@Suite("HTTP/1.1 client")
struct HTTP1ClientTests {
    let openai = FixtureProvider.named("openai-chat")

    @Test func splitsURLs() throws {
        let a = try #require(HTTP1Client.Target("https://api.openai.com/v1/chat/completions?x=1#frag"))
        #expect(a.origin == .init(tls: true, host: "api.openai.com", port: 443))
        #expect(a.authority == "api.openai.com")
        #expect(a.path == "/v1/chat/completions?x=1")
        let b = try #require(HTTP1Client.Target("http://127.0.0.1:8080"))
        #expect(b.origin == .init(tls: false, host: "127.0.0.1", port: 8080))
        #expect(b.authority == "127.0.0.1:8080")
        #expect(b.path == "/")
        let c = try #require(HTTP1Client.Target("http://[::1]:11434/api?q"))
        #expect(c.origin == .init(tls: false, host: "::1", port: 11434))
        #expect(c.authority == "[::1]:11434")
        #expect(c.path == "/api?q")
        let d = try #require(HTTP1Client.Target("http://example.org?a=b"))
        #expect(d.path == "/?a=b")
        #expect(d.origin.port == 80)
        // Not for this client (AsyncHTTPClient takes them, or they fail there with its error).
        for url in [
            "ftp://x/y", "http://user:pw@host/", "http://host:0/", "http://host:70000/", "http://:80/",
            "http://[::1/", "http://host:abc/", "unix:///tmp/s", "",
        ] {
            #expect(HTTP1Client.Target(url) == nil, "\(url)")
        }
    }

    @Test func keptAliveConnectionIsReused() async throws {
        let r = Fixture.response("openai-chat", "text", ext: "json")
        try await LoopbackServer.with([r, r, r]) { server in
            let llm = openai.client(server)
            for _ in 0..<3 { _ = try await llm.complete(openai.request()) }
            #expect(server.requests.count == 3)
            #expect(server.openedConnections == 1)
        }
    }

    @Test func staleKeptAliveConnectionIsRetriedOnANewOne() async throws {
        let r = Fixture.response("openai-chat", "text", ext: "json")
        var dropped = r
        dropped.closeWithoutAnswer = true
        try await LoopbackServer.with([r, dropped, r]) { server in
            let llm = openai.client(server)  // retry: .none, so only the transport retries
            let first = try await llm.complete(openai.request())
            let second = try await llm.complete(openai.request())
            #expect(second.text == first.text)
            #expect(server.requests.count == 3)
            #expect(server.openedConnections == 2)
        }
    }

    @Test func newConnectionClosedWithoutAnswerIsANetworkError() async throws {
        var dropped = Fixture.response("openai-chat", "text", ext: "json")
        dropped.closeWithoutAnswer = true
        try await LoopbackServer.with([dropped]) { server in
            let llm = openai.client(server)
            let error = try #require(await llmError { _ = try await llm.complete(openai.request()) })
            #expect(error.kind == .network)
            #expect(error.message.contains("closed the connection before answering"))
            #expect(server.requests.count == 1)
        }
    }

    @Test func firstByteTimeout() async throws {
        var late = Fixture.response("openai-chat", "text", ext: "json")
        late.delayHead = .seconds(5)
        try await LoopbackServer.with([late]) { server in
            let llm = openai.client(server, timeouts: Timeouts(firstByte: .milliseconds(300)))
            let started = ContinuousClock.now
            let error = try #require(await llmError { _ = try await llm.complete(openai.request()) })
            #expect(error.kind == .timeout)
            #expect(error.timeoutPhase == .firstByte)
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func aHeadLaterThanTheIdleTimeoutStillGetsTheIdleTimeout() async throws {
        // The head comes after the first timer tick (at the idle timeout); the stream then goes silent.
        // The silence must end the call after ~idle, not at the 30 s first-byte deadline.
        var r = Fixture.response("openai-chat", "text-stream", ext: "sse")
        r.body = Array(r.body.prefix(200))
        r.hangAfterBody = true
        r.delayHead = .milliseconds(900)
        try await LoopbackServer.with([r]) { server in
            let llm = openai.client(server, timeouts: Timeouts(firstByte: .seconds(30), idle: .milliseconds(300)))
            let started = ContinuousClock.now
            let error = try #require(await llmError { _ = try await llm.stream(openai.request()).collect() })
            #expect(error.timeoutPhase == .idle)
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }

    @Test func aSlowStreamWithinTheIdleTimeoutIsNotCut() async throws {
        // Writes 250 ms apart for over 2.5 s: longer than the idle timeout in total, never silent for it
        // (the margin, 4x, is for a loaded machine).
        let r = Fixture.response("openai-chat", "text-stream", ext: "sse", delivery: .chunks(160))
        var slow = r
        slow.pause = .milliseconds(250)
        #expect(r.body.count / 160 >= 10)
        try await LoopbackServer.with([slow, r]) { server in
            let llm = openai.client(server, timeouts: Timeouts(firstByte: .seconds(30), idle: .seconds(1)))
            let started = ContinuousClock.now
            let a = try await llm.stream(openai.request()).collect()
            #expect(ContinuousClock.now - started > .milliseconds(2400))
            let b = try await llm.stream(openai.request()).collect()
            #expect(a.text == b.text)
            #expect(!a.text.isEmpty)
        }
    }

    @Test func slowReaderGetsEveryByteAndTheConnectionStaysUsable() async throws {
        // 3 MB, more than the 1 MB the client buffers before it stops reading the socket.
        let big = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let r = CannedResponse(
            headers: [("content-type", "application/octet-stream"), ("content-length", String(big.count))], body: big,
            delivery: .chunks(64 << 10))
        let small = CannedResponse(headers: [("content-length", "2")], body: Array("ok".utf8))
        try await LoopbackServer.with([r, small]) { server in
            let client = HTTP1Client(group: MultiThreadedEventLoopGroup.singleton)
            let target = try #require(HTTP1Client.Target(server.baseURL + "/big"))
            let response = try await client.execute(
                method: .GET, target: target, headers: [:], body: [], timeouts: .default)
            #expect(response.status == .ok)
            var got: [UInt8] = []
            got.reserveCapacity(big.count)
            var iterator = response.body.makeAsyncIterator()
            if let first = try await iterator.next() { got += first.readableBytesView }
            try await Task.sleep(for: .milliseconds(300))  // the buffer passes the high mark meanwhile
            while let chunk = try await iterator.next() { got += chunk.readableBytesView }
            #expect(got.count == big.count)
            #expect(got == big)
            let again = try await client.execute(
                method: .GET, target: target, headers: [:], body: [], timeouts: .default)
            let text = try await again.body.collect(upTo: 100)
            #expect(String(buffer: text) == "ok")
            #expect(server.openedConnections == 1)
        }
    }

    @Test func droppedBodyClosesTheConnection() async throws {
        var r = Fixture.response("openai-chat", "text-stream", ext: "sse")
        r.body = Array(r.body.prefix(300))
        r.hangAfterBody = true
        try await LoopbackServer.with([r]) { server in
            let client = HTTP1Client(group: MultiThreadedEventLoopGroup.singleton)
            let target = try #require(HTTP1Client.Target(server.baseURL + "/v1/chat/completions"))
            do {
                let response = try await client.execute(
                    method: .POST, target: target, headers: [:], body: Array("{}".utf8), timeouts: .default)
                var iterator = response.body.makeAsyncIterator()
                let first = try await iterator.next()
                #expect(first != nil)
            }
            // The loopback servers share two threads, busy with other tests' 1-7 byte writes in a full run.
            let deadline = ContinuousClock.now + .seconds(90)
            while server.closedConnections == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(server.closedConnections == 1)
        }
    }

    @Test func concurrentRequestsEachGetTheirOwnAnswer() async throws {
        let answers = (0..<40).map { i in
            CannedResponse(headers: [("content-length", String(String(i).utf8.count))], body: Array(String(i).utf8))
        }
        try await LoopbackServer.with(answers) { server in
            let client = HTTP1Client(group: MultiThreadedEventLoopGroup.singleton)
            let target = try #require(HTTP1Client.Target(server.baseURL + "/n"))
            let bodies = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        let r = try await client.execute(
                            method: .GET, target: target, headers: [:], body: [], timeouts: .default)
                        return String(buffer: try await r.body.collect(upTo: 100))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(bodies) == Set((0..<40).map(String.init)))
            #expect(server.requests.count == 40)
            #expect(server.openedConnections <= 40)
        }
    }
}
