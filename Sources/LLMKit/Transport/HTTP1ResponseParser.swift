import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one HTTP/1.1 response at a time from a connection's bytes (RFC 9112): the status line
/// and headers, then a body framed by `content-length`, chunked transfer coding or the end of
/// the connection. Body bytes are handed on as slices of the buffers read from the socket (no
/// copy) unless one read holds several chunks, which are joined.
///
/// Interim responses (1xx) are skipped. Limits: a head of 80 KB, a chunk-size line of 4 KB,
/// trailers of 80 KB. Anything it cannot read is a `malformedResponse` naming what was wrong.
package struct HTTP1ResponseParser {
    /// What one read produced, handed to the waiting task in one go.
    package struct Output {
        package var head: HTTPResponseHead?
        package var body: ByteBuffer?
        package var end = false

        package init() {}

        mutating func append(_ slice: ByteBuffer) {
            guard slice.readableBytes > 0 else { return }
            if body == nil {
                body = slice
            } else {
                var slice = slice
                body!.writeBuffer(&slice)
            }
        }
    }

    private enum State: Equatable {
        case head, length(Int), chunkSize, chunkData(Int), chunkDataEnd, trailers, untilClose, done
    }

    private var state = State.done
    /// The start of a head or line that the read ended inside.
    private var stash: ByteBuffer?
    private var trailerBytes = 0
    private var isHEAD = false
    /// Whether the connection can carry another request once this response ends.
    package private(set) var keepAlive = true
    /// Whether any byte of the current response has arrived.
    package private(set) var receivedAny = false

    static let maxHead = 80 << 10
    static let maxLine = 4 << 10

    package init() {}

    /// Expects the response to a new request.
    package mutating func start(isHEAD: Bool, keepAlive: Bool) {
        state = .head
        stash = nil
        trailerBytes = 0
        self.isHEAD = isHEAD
        self.keepAlive = keepAlive
        receivedAny = false
    }

    /// Whether the head of the current response has been read.
    package var hasHead: Bool { state != .head }

    /// Consumes `input` entirely.
    package mutating func feed(_ input: inout ByteBuffer, into out: inout Output) throws(HTTP1Error) {
        if input.readableBytes > 0 { receivedAny = true }
        while input.readableBytes > 0 {
            switch state {
            case .head:
                guard let parsed = try readHead(&input) else { return }
                let (head, framing) = parsed
                let code = head.status.code
                if code >= 100 && code < 200 {
                    // 100 Continue, 103 Early Hints: the real answer follows.
                    guard code != 101 else { throw .malformedResponse("a 101 Switching Protocols nobody asked for") }
                    continue
                }
                out.head = head
                if head.version.minor == 0 {
                    keepAlive = keepAlive && framing.keepAliveToken
                } else {
                    keepAlive = keepAlive && !framing.closeToken
                }
                if isHEAD || code == 204 || code == 304 {
                    finish(&out)
                } else if framing.transferEncoding {
                    if framing.chunked {
                        state = .chunkSize
                    } else {
                        state = .untilClose
                        keepAlive = false
                    }
                } else if let length = framing.contentLength {
                    if length == 0 { finish(&out) } else { state = .length(length) }
                } else {
                    state = .untilClose
                    keepAlive = false
                }
            case .length(let n):
                let k = min(n, input.readableBytes)
                out.append(input.readSlice(length: k)!)
                if k == n { finish(&out) } else { state = .length(n - k) }
            case .chunkSize:
                guard let line = try readLine(&input, limit: Self.maxLine) else { return }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(size)
            case .chunkData(let n):
                let k = min(n, input.readableBytes)
                out.append(input.readSlice(length: k)!)
                state = k == n ? .chunkDataEnd : .chunkData(n - k)
            case .chunkDataEnd:
                guard let line = try readLine(&input, limit: Self.maxLine) else { return }
                guard line.readableBytes == 0 else { throw .malformedResponse("chunk data longer than its size") }
                state = .chunkSize
            case .trailers:
                guard let line = try readLine(&input, limit: Self.maxLine) else { return }
                if line.readableBytes == 0 {
                    finish(&out)
                } else {
                    trailerBytes += line.readableBytes
                    guard trailerBytes <= Self.maxHead else { throw .malformedResponse("trailers larger than 80 KB") }
                }
            case .untilClose:
                out.append(input.readSlice(length: input.readableBytes)!)
            case .done:
                // Bytes nobody asked for: the connection is not reused.
                keepAlive = false
                input.moveReaderIndex(forwardBy: input.readableBytes)
            }
        }
    }

    /// The connection closed: ends a body that runs to the close, fails anything else.
    package mutating func closed(into out: inout Output) throws(HTTP1Error) {
        switch state {
        case .done: return
        case .untilClose:
            keepAlive = false
            finish(&out)
        case .head where !receivedAny:
            throw .closedBeforeResponse
        default:
            throw .closedInBody
        }
    }

    private mutating func finish(_ out: inout Output) {
        state = .done
        out.end = true
    }

    // MARK: lines

    /// The next line without its line ending, or nil when the read ended inside it.
    private mutating func readLine(_ input: inout ByteBuffer, limit: Int) throws(HTTP1Error) -> ByteBuffer? {
        guard let lf = Self.index(of: 0x0A, in: input) else {
            if stash == nil {
                stash = input
            } else {
                stash!.writeBuffer(&input)
            }
            input.moveReaderIndex(forwardBy: input.readableBytes)
            guard stash!.readableBytes <= limit else { throw .malformedResponse("a line longer than \(limit) bytes") }
            return nil
        }
        var line = input.readSlice(length: lf)!
        input.moveReaderIndex(forwardBy: 1)
        if var start = stash {
            start.writeBuffer(&line)
            line = start
            stash = nil
        }
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == 0x0D {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        return line
    }

    static func index(of byte: UInt8, in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { raw -> Int? in
            guard let base = raw.baseAddress, let hit = memchr(base, Int32(byte), raw.count) else { return nil }
            return UnsafeRawPointer(hit) - base
        }
    }

    static func chunkSize(_ line: ByteBuffer) throws(HTTP1Error) -> Int {
        let size = line.withUnsafeReadableBytes { u -> Int? in
            var v = 0
            var k = 0
            while k < u.count {
                let c = u[k]
                let d: Int
                switch c {
                case 0x30...0x39: d = Int(c - 0x30)
                case 0x41...0x46: d = Int(c - 0x37)
                case 0x61...0x66: d = Int(c - 0x57)
                default:
                    // Chunk extensions (`;name=value`) and whitespace before them are ignored.
                    guard k > 0, c == UInt8(ascii: ";") || c == 0x20 || c == 0x09 else { return nil }
                    return v
                }
                guard k < 15 else { return nil }
                v = v << 4 | d
                k += 1
            }
            return k > 0 ? v : nil
        }
        guard let size else { throw .malformedResponse("an invalid chunk size") }
        return size
    }

    // MARK: head

    struct Framing {
        var contentLength: Int?
        var transferEncoding = false
        var chunked = false
        var closeToken = false
        var keepAliveToken = false
    }

    /// The head, or nil when the read ended inside it (the bytes are kept for the next read).
    private mutating func readHead(_ input: inout ByteBuffer) throws(HTTP1Error) -> (HTTPResponseHead, Framing)? {
        if stash == nil, let end = Self.headEnd(input, from: 0) {
            let head = try input.withUnsafeReadableBytes { u in
                Result { () throws(HTTP1Error) in try Self.parseHead(UnsafeRawBufferPointer(rebasing: u[0..<end])) }
            }.get()
            input.moveReaderIndex(forwardBy: end)
            return head
        }
        var all = stash ?? ByteBuffer()
        let from = max(0, all.readableBytes - 3)
        all.writeBuffer(&input)
        guard let end = Self.headEnd(all, from: from) else {
            guard all.readableBytes <= Self.maxHead else {
                throw .malformedResponse("a response head larger than 80 KB")
            }
            stash = all
            return nil
        }
        stash = nil
        let head = try all.withUnsafeReadableBytes { u in
            Result { () throws(HTTP1Error) in try Self.parseHead(UnsafeRawBufferPointer(rebasing: u[0..<end])) }
        }.get()
        all.moveReaderIndex(forwardBy: end)
        input = all
        return head
    }

    /// The offset just past the blank line that ends a head (`\n\n` or `\n\r\n`), searching from `from`.
    static func headEnd(_ buffer: ByteBuffer, from: Int) -> Int? {
        buffer.withUnsafeReadableBytes { u -> Int? in
            guard let base = u.baseAddress else { return nil }
            var i = from
            while i < u.count, let hit = memchr(base + i, 0x0A, u.count - i) {
                let lf = UnsafeRawPointer(hit) - base
                if lf + 1 < u.count, u[lf + 1] == 0x0A { return lf + 2 }
                if lf + 2 < u.count, u[lf + 1] == 0x0D, u[lf + 2] == 0x0A { return lf + 3 }
                i = lf + 1
            }
            return nil
        }
    }

    /// Parses a complete head (status line, header lines, blank line).
    static func parseHead(_ u: UnsafeRawBufferPointer) throws(HTTP1Error) -> (HTTPResponseHead, Framing) {
        var lines = LineCursor(u)
        guard let status = lines.next() else { throw .malformedResponse("an empty response head") }
        // HTTP/1.x SP 3DIGIT [SP reason]
        guard status.count >= 12, Self.starts(status, "HTTP/1."), status[8] == 0x20,
            (0x30...0x39).contains(status[7]),
            status.count == 12 || status[12] == 0x20
        else { throw .malformedResponse("not an HTTP/1.x status line") }
        var code = 0
        for k in 9..<12 {
            guard (0x30...0x39).contains(status[k]) else { throw .malformedResponse("an invalid status code") }
            code = code * 10 + Int(status[k] - 0x30)
        }
        guard code >= 100 else { throw .malformedResponse("an invalid status code") }
        var framing = Framing()
        var fields: [(String, String)] = []
        fields.reserveCapacity(16)
        while let line = lines.next(), !line.isEmpty {
            guard line[0] != 0x20, line[0] != 0x09 else {
                throw .malformedResponse("a folded header line (obsolete line folding)")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                throw .malformedResponse("a header line without a name and colon")
            }
            for c in line[0..<colon] where !HTTP1Syntax.isTokenByte(c) {
                throw .malformedResponse("an invalid header name")
            }
            var a = colon + 1
            var b = line.count
            while a < b, line[a] == 0x20 || line[a] == 0x09 { a += 1 }
            while b > a, line[b - 1] == 0x20 || line[b - 1] == 0x09 { b -= 1 }
            let name = UnsafeRawBufferPointer(rebasing: line[0..<colon])
            let value = UnsafeRawBufferPointer(rebasing: line[a..<b])
            try framing.read(name, value)
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            guard fields.count <= 256 else { throw .malformedResponse("more than 256 header lines") }
        }
        let version = HTTPVersion(major: 1, minor: Int(status[7] - 0x30))
        return (
            HTTPResponseHead(version: version, status: .init(statusCode: code), headers: HTTPHeaders(fields)), framing
        )
    }

    static func starts(_ u: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        guard u.count >= prefix.utf8CodeUnitCount else { return false }
        for k in 0..<prefix.utf8CodeUnitCount where u[k] != prefix.utf8Start[k] { return false }
        return true
    }

    /// Lines of a head, without their line endings.
    struct LineCursor {
        let u: UnsafeRawBufferPointer
        var i = 0
        init(_ u: UnsafeRawBufferPointer) { self.u = u }

        mutating func next() -> UnsafeRawBufferPointer? {
            guard i < u.count, let base = u.baseAddress else { return nil }
            var end = u.count
            if let hit = memchr(base + i, 0x0A, u.count - i) { end = UnsafeRawPointer(hit) - base }
            let next = end + 1
            if end > i, u[end - 1] == 0x0D { end -= 1 }
            defer { i = next }
            return UnsafeRawBufferPointer(rebasing: u[i..<end])
        }
    }
}

extension HTTP1ResponseParser.Framing {
    /// Notes the headers that decide how the body is framed and whether the connection stays open.
    mutating func read(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(HTTP1Error) {
        if HTTP1Syntax.equal(name, "content-length") {
            // `12` or a list of identical values (`12, 12`).
            var length: Int?
            for part in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                var n = 0
                var digits = 0
                for c in part where c != 0x20 && c != 0x09 {
                    guard (0x30...0x39).contains(c), digits < 18 else {
                        throw .malformedResponse("an invalid content-length")
                    }
                    n = n * 10 + Int(c - 0x30)
                    digits += 1
                }
                guard digits > 0, length == nil || length == n, contentLength == nil || contentLength == n else {
                    throw .malformedResponse("conflicting content-length values")
                }
                length = n
            }
            contentLength = length
        } else if HTTP1Syntax.equal(name, "transfer-encoding") {
            transferEncoding = true
            // Chunked must be the last coding applied; a later value replaces the verdict.
            chunked = HTTP1Syntax.equal(HTTP1Syntax.lastListElement(value), "chunked")
        } else if HTTP1Syntax.equal(name, "connection") {
            if HTTP1Syntax.listContains(value, "close") { closeToken = true }
            if HTTP1Syntax.listContains(value, "keep-alive") { keepAliveToken = true }
        }
    }
}
