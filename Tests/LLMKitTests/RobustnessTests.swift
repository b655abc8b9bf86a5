import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import NIOConcurrencyHelpers
import Testing

/// Bad input from the network gives a clear `LLMError`, never a crash or a hang.
@Suite("Robustness")
struct RobustnessTests {
    let openai = FixtureProvider.named("openai-chat")
    let anthropic = FixtureProvider.named("anthropic")

    func streamError(_ p: FixtureProvider, _ response: CannedResponse, retry: RetryPolicy = .none)
        async throws -> (LLMError?, [StreamEvent])
    {
        try await LoopbackServer.with([response]) { server in
            var events: [StreamEvent] = []
            do {
                for try await e in p.client(server, retry: retry).stream(p.request()) { events.append(e) }
                return (nil, events)
            } catch let e as LLMError {
                return (e, events)
            }
        }
    }

    @Test func truncatedStreamIsAnErrorAfterThePartialEvents() async throws {
        var r = Fixture.response("anthropic", "text-stream", ext: "sse")
        r.truncateAfter = r.body.count / 2
        let (error, events) = try await streamError(anthropic, r)
        let e = try #require(error)
        #expect(e.kind == .network)
        #expect(e.message.contains("truncated") || e.message.contains("closed"), "\(e)")
        #expect(!events.compactMap(\.text).isEmpty)
        if case .finished = events.last { Issue.record("a truncated stream must not finish") }
    }

    @Test func streamCutMidwayReportsThePartialUsage() async throws {
        // Usage arrives in message_start; the body stops before message_stop.
        var r = Fixture.response("anthropic", "text-stream", ext: "sse")
        let text = String(decoding: r.body, as: UTF8.self)
        let cut = try #require(text.range(of: "event: content_block_stop"))
        r.truncateAfter = text.utf8.distance(from: text.startIndex, to: cut.lowerBound)
        let (error, events) = try await streamError(anthropic, r)
        #expect(error != nil)
        let usage = events.compactMap { if case .usage(let u) = $0 { u } else { nil } }.last
        let expected = Expected(Fixture.json("anthropic/text-stream.expected.json"))
        #expect(usage?.inputTokens == expected.usage["inputTokens"]?.intValue)
    }

    @Test func invalidJSONEventIsADecodingError() async throws {
        let body = Array(
            "data: {\"id\":\"x\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: {not json}\n\n".utf8)
        let (error, events) = try await streamError(
            openai, CannedResponse(headers: [("content-type", "text/event-stream")], body: body))
        let e = try #require(error)
        #expect(e.kind == .decoding)
        #expect(e.message.contains("{not json}"))
        #expect(events.compactMap(\.text) == ["hi"])
    }

    @Test func invalidUTF8IsADecodingErrorNotReplacementCharacters() async throws {
        var body = Array("data: {\"choices\":[{\"delta\":{\"content\":\"a".utf8)
        body += [0xC3, 0x28]  // invalid sequence
        body += Array("\"},\"finish_reason\":\"stop\"}]}\n\n".utf8)
        let (error, _) = try await streamError(
            openai, CannedResponse(headers: [("content-type", "text/event-stream")], body: body))
        #expect(error?.kind == .decoding)
    }

    @Test func htmlBadGatewayIsAServerErrorThatSaysSo() async throws {
        let html = Array("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>".utf8)
        try await LoopbackServer.with([
            CannedResponse(status: 502, headers: [("content-type", "text/html")], body: html)
        ]) { server in
            let error = try #require(await llmError { _ = try await openai.client(server).complete(openai.request()) })
            #expect(error.kind == .server)
            #expect(error.statusCode == 502)
            #expect(error.message.contains("HTML"))
        }
    }

    @Test func malformedJSONBodyIsADecodingError() async throws {
        try await LoopbackServer.with([CannedResponse(body: Array("{\"id\": \"x\", \"choices\": [".utf8))]) { server in
            let error = try #require(await llmError { _ = try await openai.client(server).complete(openai.request()) })
            #expect(error.kind == .decoding)
        }
    }

    @Test func rateLimitThenSuccessIsRetriedAfterRetryAfter() async throws {
        let waits = NIOLockedValueBox<[Duration]>([])
        let retry = RetryPolicy(maxRetries: 2, sleep: { d in waits.withLockedValue { $0.append(d) } })
        let limited = CannedResponse(
            status: 429, headers: [("content-type", "application/json"), ("retry-after", "2")],
            body: Fixture.bytes("anthropic/error-529.json"))
        try await LoopbackServer.with([limited, Fixture.response("anthropic", "text", ext: "json")]) { server in
            let r = try await anthropic.client(server, retry: retry).complete(anthropic.request())
            #expect(r.text == Expected(Fixture.json("anthropic/text.expected.json")).text)
            #expect(server.requests.count == 2)
            #expect(waits.withLockedValue { $0 } == [.seconds(2)])
        }
    }

    @Test func realTimeRetryWaitsAtLeastRetryAfter() async throws {
        let limited = CannedResponse(
            status: 429, headers: [("content-type", "application/json"), ("retry-after-ms", "300")],
            body: Fixture.bytes("openai-chat/error-400.json"))  // a recorded body; the status and header are what matter
        try await LoopbackServer.with([limited, Fixture.response("openai-chat", "text-stream", ext: "sse")]) { server in
            let r = try await openai.client(server, retry: RetryPolicy(maxRetries: 1)).stream(openai.request())
                .collect()
            #expect(!r.text.isEmpty)
            let times = server.requestTimes
            #expect(times.count == 2)
            #expect(times[1] - times[0] >= .milliseconds(300))
        }
    }

    @Test func retriesStopAfterMaxRetries() async throws {
        let failing = CannedResponse(status: 503, headers: [], body: [])
        try await LoopbackServer.with([failing, failing, failing, failing]) { server in
            let retry = RetryPolicy(maxRetries: 2, sleep: { _ in })
            let error = try #require(
                await llmError { _ = try await openai.client(server, retry: retry).complete(openai.request()) })
            #expect(error.kind == .server)
            #expect(error.message.contains("empty body"))
            #expect(server.requests.count == 3)
        }
    }

    @Test func longRetryAfterFailsAtOnce() async throws {
        let limited = CannedResponse(
            status: 429, headers: [("retry-after", "3600")],
            body: Fixture.bytes("openai-chat/error-400.json"))
        try await LoopbackServer.with([limited]) { server in
            let retry = RetryPolicy(maxRetries: 3, sleep: { _ in Issue.record("must not sleep") })
            let error = try #require(
                await llmError { _ = try await openai.client(server, retry: retry).complete(openai.request()) })
            #expect(error.kind == .rateLimited)
            #expect(error.retryAfter == .seconds(3600))
            #expect(server.requests.count == 1)
        }
    }

    @Test func badRequestIsNotRetried() async throws {
        try await LoopbackServer.with([Fixture.response("openai-chat", "error-400", ext: "json")]) { server in
            let retry = RetryPolicy(maxRetries: 3, sleep: { _ in })
            await #expect(throws: LLMError.self) {
                try await openai.client(server, retry: retry).complete(openai.request())
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test func cancellingTheConsumerClosesTheConnection() async throws {
        var r = Fixture.response("openai-chat", "text-stream", ext: "sse")
        let text = String(decoding: r.body, as: UTF8.self)
        let cut = try #require(
            text.range(of: "data: ", range: text.index(text.startIndex, offsetBy: 400)..<text.endIndex))
        r.body = Array(text[..<cut.lowerBound].utf8)
        r.hangAfterBody = true
        try await LoopbackServer.with([r]) { server in
            let llm = openai.client(server)
            let request = openai.request()
            let gotText = NIOLockedValueBox(false)
            let task = Task {
                for try await e in llm.stream(request) {
                    if e.text != nil { gotText.withLockedValue { $0 = true } }
                }
            }
            while !gotText.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            task.cancel()
            let result = await task.result
            if case .success = result { Issue.record("a cancelled stream must throw") }
            if case .failure(let e as LLMError) = result { #expect(e.kind == .cancelled) }
            let deadline = ContinuousClock.now + .seconds(60)  // the server may be busy with other tests' tiny writes
            while server.closedConnections == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(server.closedConnections == 1)
        }
    }

    @Test(arguments: [false, true]) func idleTimeoutEndsASilentStream(asyncHTTPClient: Bool) async throws {
        var r = Fixture.response("openai-chat", "text-stream", ext: "sse")
        r.body = Array(r.body.prefix(200))
        r.hangAfterBody = true
        try await LoopbackServer.with([r]) { server in
            let client = asyncHTTPClient ? HTTPClientFactory.make(idle: .milliseconds(300)) : nil
            let llm = LLMKit(
                providers: ["openai": ProviderSettings(apiKey: "k", baseURL: server.baseURL + "/v1")], environment: [:],
                httpClient: client, timeouts: Timeouts(idle: .milliseconds(300)), retry: .none)
            do {
                for try await _ in llm.stream(openai.request()) {}
                Issue.record("expected a timeout")
            } catch let e as LLMError {
                #expect(e.kind == .timeout)
                #expect(e.timeoutPhase == .idle)
            }
            try await client?.shutdown()
        }
    }

    @Test func connectionRefusedSaysWhatToCheck() async throws {
        let llm = LLMKit(
            providers: ["local": ProviderSettings(baseURL: "http://127.0.0.1:9/v1")], environment: [:], retry: .none)
        let error = try #require(
            await llmError { _ = try await llm.complete(ChatRequest(model: "local/x", messages: [.user("hi")])) })
        #expect(error.kind == .network)
        #expect(error.message.contains("127.0.0.1"))
    }
}
