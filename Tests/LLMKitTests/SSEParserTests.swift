import LLMKit
import LLMKitTesting
import Testing

@Suite("SSE parser")
struct SSEParserTests {
    struct Event: Equatable, CustomStringConvertible {
        var event: String
        var data: String
        var description: String { "(\(event), \(data))" }
    }

    func parse(_ text: String, splits: [Int]? = nil) -> [Event] {
        var parser = SSEParser()
        var out: [Event] = []
        let bytes = Array(text.utf8)
        let handler: SSEParser.Handler = { e, d in
            out.append(Event(event: String(decoding: e, as: UTF8.self), data: String(decoding: d, as: UTF8.self)))
        }
        var i = 0
        var k = 0
        while i < bytes.count {
            let n = splits.map { $0[k % $0.count] } ?? bytes.count
            let end = min(bytes.count, i + n)
            bytes[i..<end].withUnsafeBytes { try! parser.feed($0, handler) }
            i = end
            k += 1
        }
        try! parser.finish(handler)
        return out
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEndings(_ eol: String) {
        let text = "event: a\(eol)data: 1\(eol)\(eol)data: 2\(eol)data: 3\(eol)\(eol)"
        let want = [Event(event: "a", data: "1"), Event(event: "", data: "2\n3")]
        #expect(parse(text) == want)
        for n in 1...4 { #expect(parse(text, splits: [n]) == want, "split \(n)") }
    }

    @Test func commentsIdsRetryAndUnknownFieldsAreNotData() {
        let text = ": keep-alive\nid: 7\nretry: 3000\nfoo: bar\ndata:no-space\n\n"
        #expect(parse(text) == [Event(event: "", data: "no-space")])
        var parser = SSEParser()
        Array(text.utf8).withUnsafeBytes { parser.feed($0) { _, _ in } }
        #expect(parser.lastEventID == "7")
        #expect(parser.retryMilliseconds == 3000)
    }

    @Test func finalEventWithoutBlankLineIsDelivered() {
        #expect(parse("data: {\"a\":1}") == [Event(event: "", data: "{\"a\":1}")])
        #expect(parse("data: x\n") == [Event(event: "", data: "x")])
    }

    @Test func eventWithoutDataIsDropped() {
        #expect(parse("event: ping\n\ndata: 1\n\n") == [Event(event: "", data: "1")])
    }

    @Test func crAtAReadBoundaryFollowedByLF() {
        let text = "data: a\r\n\r\ndata: b\r\n\r\n"
        for n in 1...9 {
            #expect(
                parse(text, splits: [n]) == [Event(event: "", data: "a"), Event(event: "", data: "b")], "split \(n)")
        }
    }

    @Test func utf8SplitInsideACharacterIsReassembled() {
        let text = "data: {\"t\":\"é中😊\"}\n\n"
        for n in 1...7 { #expect(parse(text, splits: [n]) == [Event(event: "", data: "{\"t\":\"é中😊\"}")]) }
    }

    @Test func randomSplitsMatchWholeParse() {
        let text = "event: message_start\ndata: {\"x\":1}\n\n: c\r\ndata: a\r\ndata: b\r\n\r\nevent: e\rdata: z\r\r"
        let whole = parse(text)
        var rng = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let splits = (0..<8).map { _ in Int(rng.next() % 7) + 1 }
            #expect(parse(text, splits: splits) == whole, "splits \(splits)")
        }
    }
}

@Suite("Retry-After")
struct RetryAfterTests {
    @Test func headerForms() {
        func parse(_ pairs: [(String, String)]) -> Duration? { RetryAfter.parse(.init(pairs)) }
        #expect(parse([("retry-after-ms", "1500")]) == .milliseconds(1500))
        #expect(parse([("retry-after", "3")]) == .seconds(3))
        #expect(parse([("retry-after", "0.5"), ("retry-after-ms", "20")]) == .milliseconds(20))
        #expect(parse([("x-ratelimit-reset-requests", "6m0s"), ("x-ratelimit-reset-tokens", "20ms")]) == .seconds(360))
        #expect(parse([("retry-after", "soon")]) == nil)
        #expect(parse([]) == nil)
        let date = RetryAfter.httpDate("Wed, 21 Oct 2015 07:28:00 GMT")
        #expect(date?.timeIntervalSince1970 == 1_445_412_480)
    }

    @Test func goDurations() {
        #expect(RetryAfter.goDuration("1h2m3.5s") == .milliseconds(3_723_500))
        #expect(RetryAfter.goDuration("58s") == .seconds(58))
        #expect(RetryAfter.goDuration("x") == nil)
    }

    @Test func backoffIsFullJitterUnderTheCap() {
        let policy = RetryPolicy(initialBackoff: .milliseconds(500), maxBackoff: .seconds(8), random: { 0.999 })
        #expect(policy.backoff(attempt: 0) <= .milliseconds(500))
        #expect(policy.backoff(attempt: 3) > .seconds(3))
        #expect(policy.backoff(attempt: 10) <= .seconds(8))
        #expect(RetryPolicy(random: { 0 }).backoff(attempt: 5) == .zero)
    }
}
