import LLMKit
import LLMKitTesting
import NIOCore
import NIOHTTP1
import Testing

/// The bytes of LLMKit's HTTP/1.1 client: the request it writes and the response parser, fed
/// whole, one byte at a time and in seeded random 1-7 byte pieces.
@Suite("HTTP/1.1 wire: request bytes and response parsing")
struct HTTP1WireTests {
    struct Parsed {
        var heads: [HTTPResponseHead] = []
        var body: [UInt8] = []
        var ends = 0
        var keepAlive = true

        var summary: String {
            let h = heads.map { "\($0.version) \($0.status.code) \($0.headers.map { "\($0.name)=\($0.value)" })" }
            return "\(h) body=\(body) ends=\(ends) keepAlive=\(keepAlive)"
        }
    }

    /// Feeds `text` in pieces of the given sizes (the rest in one piece), then the close if asked.
    static func parse(
        _ text: String, pieces: [Int] = [], isHEAD: Bool = false, requestKeepAlive: Bool = true,
        thenClose: Bool = false
    ) throws(HTTP1Error) -> Parsed {
        try parse(
            bytes: Array(text.utf8), pieces: pieces, isHEAD: isHEAD, requestKeepAlive: requestKeepAlive,
            thenClose: thenClose)
    }

    static func parse(
        bytes: [UInt8], pieces: [Int] = [], isHEAD: Bool = false, requestKeepAlive: Bool = true,
        thenClose: Bool = false
    ) throws(HTTP1Error) -> Parsed {
        var parser = HTTP1ResponseParser()
        parser.start(isHEAD: isHEAD, keepAlive: requestKeepAlive)
        var parsed = Parsed()
        func take(_ out: HTTP1ResponseParser.Output) {
            if let h = out.head { parsed.heads.append(h) }
            if let b = out.body { parsed.body += Array(b.readableBytesView) }
            if out.end { parsed.ends += 1 }
        }
        var offset = 0
        var k = 0
        while offset < bytes.count {
            let n = k < pieces.count ? min(pieces[k], bytes.count - offset) : bytes.count - offset
            var input = ByteBuffer(bytes: bytes[offset..<(offset + n)])
            var out = HTTP1ResponseParser.Output()
            try parser.feed(&input, into: &out)
            #expect(input.readableBytes == 0)
            take(out)
            offset += n
            k += 1
        }
        if thenClose {
            var out = HTTP1ResponseParser.Output()
            try parser.closed(into: &out)
            take(out)
        }
        parsed.keepAlive = parser.keepAlive
        return parsed
    }

    /// Checks the whole parse, then that byte by byte and 1-7 byte pieces (50 seeds) give the same.
    static func everySplit(
        _ text: String, isHEAD: Bool = false, thenClose: Bool = false, _ check: (Parsed) -> Void
    ) throws {
        let whole = try parse(text, isHEAD: isHEAD, thenClose: thenClose)
        check(whole)
        let ones = try parse(
            text, pieces: Array(repeating: 1, count: text.utf8.count), isHEAD: isHEAD, thenClose: thenClose)
        #expect(ones.summary == whole.summary, "fed one byte at a time")
        for seed in UInt64(1)...50 {
            var rng = SplitMix64(seed: seed)
            let pieces = (0..<text.utf8.count).map { _ in Int.random(in: 1...7, using: &rng) }
            let p = try parse(text, pieces: pieces, isHEAD: isHEAD, thenClose: thenClose)
            #expect(p.summary == whole.summary, "split in 1-7 byte pieces with SplitMix64 seed \(seed)")
        }
    }

    // MARK: responses

    @Test func contentLength() throws {
        let text =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nx-request-id: req_1\r\n\r\n{\"ok\":true}"
        try Self.everySplit(text) { p in
            #expect(p.heads.count == 1)
            #expect(p.heads.first?.status == .ok)
            #expect(p.heads.first?.version == .http1_1)
            #expect(p.heads.first?.headers["content-type"] == ["application/json"])
            #expect(p.heads.first?.headers.first(name: "X-Request-Id") == "req_1")
            #expect(p.heads.first?.headers.count == 3)
            #expect(String(decoding: p.body, as: UTF8.self) == "{\"ok\":true}")
            #expect(p.ends == 1)
            #expect(p.keepAlive)
        }
    }

    /// RFC 9112 section 7.1: sizes in hex, an extension, trailers after the last chunk.
    @Test func chunkedWithExtensionsAndTrailers() throws {
        let text =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\ndata:\r\n1a;name=value\r\n abcdefghijklmnopqrstuvwxy\r\n" + "0\r\nx-trailer: 1\r\n\r\n"
        try Self.everySplit(text) { p in
            #expect(p.heads.count == 1)
            #expect(String(decoding: p.body, as: UTF8.self) == "data: abcdefghijklmnopqrstuvwxy")
            #expect(p.ends == 1)
            #expect(p.keepAlive)
        }
    }

    @Test func bareLineFeedsAreAccepted() throws {
        try Self.everySplit("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi") { p in
            #expect(p.heads.first?.status == .ok)
            #expect(p.body == Array("hi".utf8))
            #expect(p.ends == 1)
        }
    }

    @Test func bodyToTheCloseEndsAtTheCloseAndIsNotReused() throws {
        try Self.everySplit(
            "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html>502</html>", thenClose: true
        ) { p in
            #expect(p.heads.first?.status == .badGateway)
            #expect(p.body == Array("<html>502</html>".utf8))
            #expect(p.ends == 1)
            #expect(!p.keepAlive)
        }
    }

    @Test func interimResponsesAreSkipped() throws {
        let text =
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            + "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
        try Self.everySplit(text) { p in
            #expect(p.heads.map(\.status.code) == [201])
            #expect(p.body.isEmpty)
            #expect(p.ends == 1)
        }
    }

    @Test func responsesWithoutBody() throws {
        try Self.everySplit("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n") { p in
            #expect(p.heads.map(\.status.code) == [204])
            #expect(p.ends == 1)
            #expect(p.keepAlive)
        }
        try Self.everySplit("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", isHEAD: true) { p in
            #expect(p.heads.first?.headers.first(name: "content-length") == "1000")
            #expect(p.body.isEmpty)
            #expect(p.ends == 1)
        }
    }

    @Test func keepAliveRules() throws {
        #expect(
            try !Self.parse("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try !Self.parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try Self.parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keepAlive)
        #expect(try !Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", requestKeepAlive: false).keepAlive)
        // Bytes after the end of the response: nobody asked for them.
        let extra = try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n")
        #expect(extra.body == [UInt8(ascii: "x")])
        #expect(extra.ends == 1)
        #expect(!extra.keepAlive)
        // A coding other than chunked last: the body runs to the close.
        let gzip = try Self.parse(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 3\r\n\r\nabcdef", thenClose: true)
        #expect(gzip.body == Array("abcdef".utf8))
        #expect(!gzip.keepAlive)
    }

    @Test func truncatedResponses() throws {
        #expect(throws: HTTP1Error.closedBeforeResponse) { try Self.parse("", thenClose: true) }
        #expect(throws: HTTP1Error.closedInBody) { try Self.parse("HTTP/1.1 200 OK\r\nContent-Le", thenClose: true) }
        #expect(throws: HTTP1Error.closedInBody) {
            try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", thenClose: true)
        }
        #expect(throws: HTTP1Error.closedInBody) {
            try Self.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", thenClose: true)
        }
        #expect(throws: HTTP1Error.closedInBody) {
            try Self.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", thenClose: true)
        }
    }

    @Test(arguments: [
        ("HTTP/2 200\r\n\r\n", "not an HTTP/1.x status line"),
        ("<html>oops</html>\r\n\r\n", "not an HTTP/1.x status line"),
        ("HTTP/1.1 2x0 OK\r\n\r\n", "an invalid status code"),
        ("HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n", "a folded header line (obsolete line folding)"),
        ("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "a header line without a name and colon"),
        ("HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n", "an invalid header name"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "conflicting content-length values"),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "an invalid content-length"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "an invalid chunk size"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1234567890abcdef0\r\n", "an invalid chunk size"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "chunk data longer than its size"),
        ("HTTP/1.1 101 Switching Protocols\r\n\r\n", "a 101 Switching Protocols nobody asked for"),
    ])
    func malformedResponsesSayWhatIsWrong(_ text: String, reason: String) throws {
        #expect(throws: HTTP1Error.malformedResponse(reason)) { try Self.parse(text) }
        #expect(throws: HTTP1Error.malformedResponse(reason)) {
            try Self.parse(text, pieces: Array(repeating: 1, count: text.utf8.count))
        }
    }

    @Test func limits() throws {
        let big =
            "HTTP/1.1 200 OK\r\n"
            + String(repeating: "x-pad: " + String(repeating: "a", count: 1000) + "\r\n", count: 90)
        #expect(throws: HTTP1Error.malformedResponse("a response head larger than 80 KB")) {
            try Self.parse(big, pieces: Array(repeating: 4096, count: 40))
        }
        let line = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 5000)
        #expect(throws: HTTP1Error.malformedResponse("a line longer than 4096 bytes")) {
            try Self.parse(line, pieces: [50, 1000, 1000, 1000, 1000, 1000, 1000])
        }
    }

    /// Mutated responses (bytes flipped, inserted, deleted, cut) fed in random pieces: each parse
    /// ends in a result or an `HTTP1Error`, never a crash or a hang.
    @Test func mutatedResponsesNeverCrash() throws {
        let seeds = [
            "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-A: b\r\n\r\n{\"ok\":true}",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\ndata:\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 502 Bad Gateway\r\nConnection: keep-alive\r\n\r\n<html>",
        ].map { Array($0.utf8) }
        var rng = SplitMix64(seed: 2026)
        var outcomes = (parsed: 0, failed: 0)
        for round in 0..<3000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<max(bytes.count, 1), using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0 where i < bytes.count: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: min(i, bytes.count))
                case 2 where i < bytes.count: bytes.remove(at: i)
                default: bytes = Array(bytes.prefix(i))
                }
            }
            let pieces = (0..<bytes.count).map { _ in Int.random(in: 1...7, using: &rng) }
            do {
                _ = try Self.parse(bytes: bytes, pieces: pieces, thenClose: true)
                outcomes.parsed += 1
            } catch {
                outcomes.failed += 1
            }
        }
        // Both outcomes occur: the mutations reach past the status line.
        #expect(outcomes.parsed > 100 && outcomes.failed > 100, "\(outcomes)")
    }

    // MARK: requests

    @Test func tokenBytesAreRFC9110TChars() {
        let tchar = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".utf8)
        for c in 0...255 {
            #expect(HTTP1Syntax.isTokenByte(UInt8(c)) == tchar.contains(UInt8(c)), "byte \(c)")
        }
    }

    @Test func requestBytes() throws {
        var headers = HTTPHeaders()
        headers.add(name: "authorization", value: "Bearer sk-test")
        headers.add(name: "content-type", value: "application/json")
        let body = Array(#"{"model":"gpt-4o-mini"}"#.utf8)
        let post = try HTTP1Request(
            method: .POST, path: "/v1/chat/completions", authority: "127.0.0.1:8080", headers: headers, body: body,
            firstByte: .seconds(1), idle: .seconds(1))
        #expect(
            String(buffer: post.bytes)
                == "POST /v1/chat/completions HTTP/1.1\r\nauthorization: Bearer sk-test\r\n"
                + "content-type: application/json\r\nhost: 127.0.0.1:8080\r\ncontent-length: 23\r\n\r\n"
                + #"{"model":"gpt-4o-mini"}"#)
        #expect(post.keepAlive)
        let get = try HTTP1Request(
            method: .GET, path: "/v1/models?limit=2", authority: "api.openai.com", headers: ["Connection": "close"],
            body: [], firstByte: .seconds(1), idle: .seconds(1))
        #expect(
            String(buffer: get.bytes)
                == "GET /v1/models?limit=2 HTTP/1.1\r\nConnection: close\r\nhost: api.openai.com\r\n\r\n")
        #expect(!get.keepAlive)
        let empty = try HTTP1Request(
            method: .POST, path: "/", authority: "h", headers: [:], body: [], firstByte: .seconds(1), idle: .seconds(1))
        #expect(String(buffer: empty.bytes) == "POST / HTTP/1.1\r\nhost: h\r\ncontent-length: 0\r\n\r\n")
        let large = try HTTP1Request(
            method: .PUT, path: "/upload", authority: "h", headers: [:], body: Array(repeating: 7, count: 1_234_567),
            firstByte: .seconds(1), idle: .seconds(1))
        #expect(large.bytes.readableBytes == 58 + 1_234_567)
        #expect(
            String(buffer: large.bytes.getSlice(at: 0, length: 58)!)
                == "PUT /upload HTTP/1.1\r\nhost: h\r\ncontent-length: 1234567\r\n\r\n")
    }

    @Test func requestsThatCannotBeSentFailBeforeSendingAndDoNotEchoValues() throws {
        func make(_ headers: HTTPHeaders, path: String = "/v1") throws(HTTP1Error) {
            _ = try HTTP1Request(
                method: .POST, path: path, authority: "h", headers: headers, body: [], firstByte: .seconds(1),
                idle: .seconds(1))
        }
        do {
            try make(["x-api-key": "sk-secret\r\nx-injected: 1"])
            Issue.record("a CRLF in a value must fail")
        } catch {
            #expect(
                error == .invalidRequest("the value of header \"x-api-key\" holds a control character (CR, LF or NUL)"))
            #expect(!"\(error)".contains("sk-secret"))
        }
        #expect(throws: HTTP1Error.invalidRequest("the header name \"bad name\" is not a valid token")) {
            try make(["bad name": "1"])
        }
        #expect(
            throws: HTTP1Error.invalidRequest(
                "the URL path holds a character that cannot be sent (space, control or non-ASCII)")
        ) { try make([:], path: "/v1/a b") }
        try make(["x-tab": "a\tb"])  // a tab is allowed in a value
    }
}
