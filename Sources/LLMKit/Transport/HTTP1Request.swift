import NIOCore
import NIOHTTP1

/// One request as the bytes that go on the wire: the head and the body in one buffer, written
/// with one flush. Built on the calling task, so a header that cannot be sent fails there.
package struct HTTP1Request: Sendable {
    package var bytes: ByteBuffer
    /// False when the caller asked for `connection: close`.
    package var keepAlive: Bool
    /// A `HEAD` request: its response has no body whatever its headers say.
    var isHEAD: Bool
    var firstByte: TimeAmount
    var idle: TimeAmount

    /// Serialises `method path HTTP/1.1`, the caller's headers, `host` and (for methods with a
    /// body) `content-length`, then the body.
    ///
    /// Header names must be tokens and values must not hold control characters (CR, LF and NUL
    /// would let a value start a new header or request); the path must be printable ASCII.
    /// The error names the header, never its value (values carry keys).
    package init(
        method: HTTPMethod, path: String, authority: String, headers: HTTPHeaders, body: [UInt8],
        firstByte: TimeAmount, idle: TimeAmount
    ) throws(HTTP1Error) {
        let sendsBody = method != .GET && method != .HEAD
        guard Self.isValidPath(path) else {
            throw .invalidRequest("the URL path holds a character that cannot be sent (space, control or non-ASCII)")
        }
        guard Self.isValidValue(authority) else { throw .invalidRequest("the host holds a control character") }
        // Checked and measured first, then written in one pass into a buffer of the right size.
        var size = method.rawValue.utf8.count + path.utf8.count + authority.utf8.count + 64 + body.count
        var keepAlive = true
        for (name, value) in headers {
            guard Self.isToken(name) else { throw .invalidRequest("the header name \"\(name)\" is not a valid token") }
            guard Self.isValidValue(value) else {
                throw .invalidRequest("the value of header \"\(name)\" holds a control character (CR, LF or NUL)")
            }
            size += name.utf8.count + value.utf8.count + 4
            if Self.isConnectionClose(name, value) { keepAlive = false }
        }
        var out = ByteBufferAllocator().buffer(capacity: size)
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            var w = Writer(at: raw.baseAddress!)
            w.put(method.rawValue)
            w.put(" ")
            w.put(path)
            w.put(" HTTP/1.1\r\n")
            for (name, value) in headers {
                w.put(name)
                w.put(": ")
                w.put(value)
                w.put("\r\n")
            }
            w.put("host: ")
            w.put(authority)
            if sendsBody {
                w.put("\r\ncontent-length: ")
                w.put(body.count)
            }
            w.put("\r\n\r\n")
            if sendsBody { body.withUnsafeBytes { w.put($0) } }
            return w.count
        }
        bytes = out
        self.keepAlive = keepAlive
        isHEAD = method == .HEAD
        self.firstByte = firstByte
        self.idle = idle
    }

    /// Copies pieces into memory already checked to be large enough.
    private struct Writer {
        let base: UnsafeMutableRawPointer
        var count = 0

        init(at base: UnsafeMutableRawPointer) { self.base = base }

        mutating func put(_ bytes: UnsafeRawBufferPointer) {
            guard let from = bytes.baseAddress, bytes.count > 0 else { return }
            (base + count).copyMemory(from: from, byteCount: bytes.count)
            count += bytes.count
        }

        mutating func put(_ s: String) {
            var s = s
            s.withUTF8 { put(UnsafeRawBufferPointer($0)) }
        }

        mutating func put(_ s: StaticString) {
            put(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }

        /// A non-negative decimal number.
        mutating func put(_ n: Int) {
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for any Int
            withUnsafeMutableBytes(of: &digits) { d in
                var v = n
                var k = d.count
                repeat {
                    k -= 1
                    d[k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                } while v > 0
                put(UnsafeRawBufferPointer(rebasing: d[k...]))
            }
        }
    }

    /// RFC 9110 `token`: the characters a header name may hold.
    static func isToken(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { u in
            guard !u.isEmpty else { return false }
            for c in u where !HTTP1Syntax.isTokenByte(c) { return false }
            return true
        }
    }

    /// No control character other than horizontal tab (the rule NIO's validator applies).
    static func isValidValue(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { u in
            for c in u where (c < 0x20 && c != 0x09) || c == 0x7F { return false }
            return true
        }
    }

    static func isValidPath(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { u in
            guard !u.isEmpty else { return false }
            for c in u where c <= 0x20 || c >= 0x7F { return false }
            return true
        }
    }

    /// A `connection` header whose list holds `close`.
    static func isConnectionClose(_ name: String, _ value: String) -> Bool {
        var name = name
        var value = value
        return name.withUTF8 { n in
            HTTP1Syntax.equal(UnsafeRawBufferPointer(n), "connection")
                && value.withUTF8 { HTTP1Syntax.listContains(UnsafeRawBufferPointer($0), "close") }
        }
    }
}
