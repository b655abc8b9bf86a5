/// The byte-level pieces of HTTP/1.1 syntax (RFC 9110) that both the request writer and the
/// response parser need: token characters and comma-separated, case-insensitive token lists.
package enum HTTP1Syntax {
    /// RFC 9110 `tchar`: ALPHA, DIGIT and `!#$%&'*+-.^_`|~`, as a 128-bit set.
    @inline(__always) package static func isTokenByte(_ c: UInt8) -> Bool {
        // Bits 0-63: '!' '#'-'\'' '*' '+' '-' '.' '0'-'9'; bits 64-127: 'A'-'Z' '^' '_' '`' 'a'-'z' '|' '~'.
        let low: UInt64 = 0x03FF_6CFA_0000_0000
        let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE
        if c < 64 { return low >> UInt64(c) & 1 == 1 }
        if c < 128 { return high >> UInt64(c - 64) & 1 == 1 }
        return false
    }

    /// ASCII case-insensitive equality with a lower-case literal.
    static func equal(_ u: UnsafeRawBufferPointer, _ lower: StaticString) -> Bool {
        guard u.count == lower.utf8CodeUnitCount else { return false }
        for k in 0..<u.count where u[k] | 0x20 != lower.utf8Start[k] { return false }
        return true
    }

    /// `s` without leading and trailing spaces and tabs.
    static func trimmed(_ s: UnsafeRawBufferPointer.SubSequence) -> UnsafeRawBufferPointer {
        var a = s.startIndex
        var b = s.endIndex
        while a < b, s.base[a] == 0x20 || s.base[a] == 0x09 { a += 1 }
        while b > a, s.base[b - 1] == 0x20 || s.base[b - 1] == 0x09 { b -= 1 }
        return UnsafeRawBufferPointer(rebasing: s.base[a..<b])
    }

    /// Whether the comma-separated list `value` holds `token` (ASCII case-insensitive).
    static func listContains(_ value: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
            if equal(trimmed(value[start..<end]), token) { return true }
            start = end + 1
        }
        return false
    }

    /// The last element of the comma-separated list `value`, trimmed.
    static func lastListElement(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = value.count
        while start > 0, value[start - 1] != UInt8(ascii: ",") { start -= 1 }
        return trimmed(value[start...])
    }
}
