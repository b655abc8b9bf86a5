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
        var size = method.rawValue.utf8.count + path.utf8.count + authority.utf8.count + 64 + body.count
        var keepAlive = true
        for (name, value) in headers {
            size += name.utf8.count + value.utf8.count + 4
            if Self.equalsIgnoringCase(name, "connection"), Self.hasToken(value, "close") { keepAlive = false }
        }
        var out = ByteBufferAllocator().buffer(capacity: size)
        out.writeString(method.rawValue)
        out.writeStaticString(" ")
        guard Self.isValidPath(path) else {
            throw .invalidRequest("the URL path holds a character that cannot be sent (space, control or non-ASCII)")
        }
        out.writeString(path)
        out.writeStaticString(" HTTP/1.1\r\n")
        for (name, value) in headers {
            guard Self.isToken(name) else { throw .invalidRequest("the header name \"\(name)\" is not a valid token") }
            guard Self.isValidValue(value) else {
                throw .invalidRequest("the value of header \"\(name)\" holds a control character (CR, LF or NUL)")
            }
            out.writeString(name)
            out.writeStaticString(": ")
            out.writeString(value)
            out.writeStaticString("\r\n")
        }
        guard Self.isValidValue(authority) else { throw .invalidRequest("the host holds a control character") }
        out.writeStaticString("host: ")
        out.writeString(authority)
        if sendsBody {
            out.writeStaticString("\r\ncontent-length: ")
            out.writeString(String(body.count))
        }
        out.writeStaticString("\r\n\r\n")
        if sendsBody { out.writeBytes(body) }
        bytes = out
        self.keepAlive = keepAlive
        isHEAD = method == .HEAD
        self.firstByte = firstByte
        self.idle = idle
    }

    /// RFC 9110 `token`: the characters a header name may hold.
    static func isToken(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { u in
            guard !u.isEmpty else { return false }
            for c in u where !tokenTable[Int(c)] { return false }
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

    static let tokenTable: [Bool] = (0..<256).map { c in
        switch UInt8(c) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(UInt8(c))
        }
    }

    /// ASCII case-insensitive equality with a lower-case literal.
    static func equalsIgnoringCase(_ s: String, _ lower: StaticString) -> Bool {
        var s = s
        return s.withUTF8 { u in
            guard u.count == lower.utf8CodeUnitCount else { return false }
            for k in 0..<u.count where u[k] | 0x20 != lower.utf8Start[k] | 0x20 { return false }
            return true
        }
    }

    /// Whether the comma-separated list `value` holds `token` (ASCII case-insensitive).
    static func hasToken(_ value: String, _ token: StaticString) -> Bool {
        value.split(separator: ",").contains { part in
            equalsIgnoringCase(String(part.trimmingWhitespace()), token)
        }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
