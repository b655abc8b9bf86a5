/// A failure to read JSON: where and why.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A flat, reusable parse of one JSON document ("tape").
///
/// Parsing records one 16-byte token per value and key and copies nothing
/// else; strings and numbers are materialised only when asked for. One tape is
/// reused for every event of a stream, so steady-state parsing allocates
/// nothing. Invalid UTF-8 is reported when a string is read, never replaced.
@_spi(LLMKitInternal) public struct JSONTape: Sendable {
    public enum Kind: UInt8, Sendable {
        case null, `true`, `false`, number, string, array, object
    }

    public struct Token: Sendable {
        public var kind: Kind
        /// Strings: the raw bytes contain a backslash escape.
        public var escaped: Bool
        /// Byte offset of the value (strings: after the opening quote).
        public var start: Int32
        /// Strings and numbers: end byte offset (exclusive). Containers: index of the first token after the subtree.
        public var end: Int32
        /// Containers: number of elements (objects: members). Strings: the first four
        /// raw bytes, packed little-endian, for quick key comparison.
        public var count: Int32
        /// Containers: byte offset of the closing bracket.
        public var close: Int32 = 0
    }

    /// Token slots; only the first `tokenCount` belong to the current document.
    public private(set) var tokens: [Token] = []
    public private(set) var tokenCount = 0
    /// The document's text in its first `byteCount` bytes (the array is kept at the largest size
    /// seen, so the next document is one copy into it).
    public private(set) var bytes: [UInt8] = []
    public private(set) var byteCount = 0

    public init() {}

    /// Parses `input`, replacing the previous document.
    public mutating func parse(_ input: UnsafeRawBufferPointer) throws(JSONParseError) {
        if bytes.count < input.count {
            bytes = Array(repeating: 0, count: Swift.max(input.count, bytes.count * 2, 1024))
        }
        if let from = input.baseAddress {
            bytes.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: from, byteCount: input.count) }
        }
        byteCount = input.count
        try reparse()
    }

    /// Parses `input`, taking the array as the tape's text (no copy: a whole response body).
    public init(parsing input: [UInt8]) throws(JSONParseError) {
        bytes = input
        byteCount = input.count
        try reparse()
    }

    /// Parses `input`, replacing the previous document.
    public mutating func parse(_ input: some Collection<UInt8>) throws(JSONParseError) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: input)
        byteCount = bytes.count
        try reparse()
    }

    private mutating func reparse() throws(JSONParseError) {
        // Every token takes at least two bytes of input (a value and its separator),
        // so n/2 + 2 slots always suffice. The slots are written in place (no
        // appends, no uniqueness checks); the array is resized only when a larger
        // document than any before arrives.
        let needed = byteCount / 2 + 2
        if tokens.count < needed {
            tokens = Array(repeating: Token(kind: .null, escaped: false, start: 0, end: 0, count: 0), count: needed)
        }
        var used = 0
        let count = byteCount
        let result: JSONParseError? = bytes.withUnsafeBufferPointer { all -> JSONParseError? in
            let buf = UnsafeBufferPointer(rebasing: all[0..<count])
            return tokens.withUnsafeMutableBufferPointer { slots -> JSONParseError? in
                var p = Parser(p: buf, out: slots.baseAddress!, capacity: slots.count)
                defer { used = p.n }
                do throws(JSONParseError) {
                    p.skipWhitespace()
                    try p.value(depth: 0)
                    p.skipWhitespace()
                    if p.i != buf.count { throw p.fail("unexpected data after the value") }
                    return nil
                } catch {
                    return error
                }
            }
        }
        tokenCount = result == nil ? used : 0
        if let result { throw result }
    }

    // MARK: Navigation

    /// The root value's token index (the tape must hold a parsed document).
    @inlinable public var root: Int { 0 }
    @inlinable public var isEmpty: Bool { tokenCount == 0 }

    @inlinable @inline(__always) public func kind(_ i: Int) -> Kind { tokens[i].kind }

    /// The index of the token after the value at `i` (and its subtree).
    @inlinable @inline(__always) public func next(_ i: Int) -> Int {
        let t = tokens[i]
        return (t.kind == .array || t.kind == .object) ? Int(t.end) : i + 1
    }

    /// The value of member `key` of the object at `i`, if present.
    @inlinable public func member(_ i: Int, _ key: StaticString) -> Int? {
        guard tokens[i].kind == .object else { return nil }
        let end = Int(tokens[i].end)
        var k = i + 1
        while k < end {
            if keyEquals(k, key) { return k + 1 }
            k = next(k + 1)
        }
        return nil
    }

    /// Iterates the members of the object at `i` as (key token, value token).
    @inlinable public func forEachMember(_ i: Int, _ body: (Int, Int) throws -> Void) rethrows {
        guard tokens[i].kind == .object else { return }
        let end = Int(tokens[i].end)
        var k = i + 1
        while k < end {
            try body(k, k + 1)
            k = next(k + 1)
        }
    }

    /// Iterates the elements of the array at `i`.
    @inlinable public func forEachElement(_ i: Int, _ body: (Int) throws -> Void) rethrows {
        guard tokens[i].kind == .array else { return }
        let end = Int(tokens[i].end)
        var k = i + 1
        while k < end {
            try body(k)
            k = next(k)
        }
    }

    /// The first element of the array at `i`.
    @inlinable public func firstElement(_ i: Int) -> Int? {
        guard tokens[i].kind == .array, tokens[i].count > 0 else { return nil }
        return i + 1
    }

    @inlinable public func count(_ i: Int) -> Int { Int(tokens[i].count) }

    /// Whether the (string) token at `i` equals `key`.
    @inlinable @inline(__always) public func keyEquals(_ i: Int, _ key: StaticString) -> Bool {
        let t = tokens[i]
        guard t.kind == .string else { return false }
        if t.escaped { return escapedEquals(i, key) }
        let len = Int(t.end - t.start)
        guard len == key.utf8CodeUnitCount else { return false }
        // Length and first four bytes first: most mismatches stop here without touching the text.
        guard t.count == prefix4(key.utf8Start, len) else { return false }
        if len <= 4 { return true }
        return bytes.withUnsafeBufferPointer { b in
            memcmpEqual(b.baseAddress! + Int(t.start) + 4, key.utf8Start + 4, len - 4)
        }
    }

    /// `keyEquals` for a string with escapes (rare: kept out of the inlined path).
    @usableFromInline @inline(never) func escapedEquals(_ i: Int, _ key: StaticString) -> Bool {
        string(i) == key.description
    }

    /// The byte length of the string at `i` when it has no escapes; -1 for an escaped string or
    /// any other kind. Lets a caller pick the few keys of that length before comparing any
    /// (escaped keys must still be compared with `keyEquals`).
    @inlinable @inline(__always) public func plainStringLength(_ i: Int) -> Int {
        let t = tokens[i]
        return t.kind == .string && !t.escaped ? Int(t.end - t.start) : -1
    }

    /// Whether the (string) token at `i` equals `key` (a runtime string: provider data tables).
    /// Named apart from `keyEquals(_:_:)` so that literals keep choosing the `StaticString` one.
    @inlinable public func keyEquals(_ i: Int, runtime key: String) -> Bool {
        let t = tokens[i]
        guard t.kind == .string else { return false }
        if t.escaped { return string(i) == key }
        let len = Int(t.end - t.start)
        guard len == key.utf8.count else { return false }
        return bytes.withUnsafeBufferPointer { b in
            let text = UnsafeBufferPointer(rebasing: b[Int(t.start)..<Int(t.end)])
            return key.utf8.withContiguousStorageIfAvailable { $0.elementsEqual(text) }
                ?? key.utf8.elementsEqual(text)
        }
    }

    /// Whether the value at `i` is the string `value`.
    @inlinable public func stringEquals(_ i: Int, _ value: StaticString) -> Bool { keyEquals(i, value) }

    /// The string at `i`, nil when not a string or not valid UTF-8.
    @inlinable public func string(_ i: Int) -> String? {
        let t = tokens[i]
        guard t.kind == .string else { return nil }
        return bytes.withUnsafeBufferPointer { b -> String? in
            let raw = UnsafeBufferPointer(rebasing: b[Int(t.start)..<Int(t.end)])
            if !t.escaped { return JSONTape.utf8String(raw) }
            guard let unescaped = JSONTape.unescape(raw) else { return nil }
            return unescaped.withUnsafeBufferPointer { JSONTape.utf8String($0) }
        }
    }

    /// `raw` as a String, nil when it is not valid UTF-8. ASCII (the usual case) skips the
    /// standard library's generic validation, which instantiates metadata on every call.
    @inlinable public static func utf8String(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var k = 0
        var high: UInt64 = 0
        if let base = raw.baseAddress {
            while k + 8 <= raw.count {
                high |= UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)
                k += 8
            }
            while k < raw.count {
                high |= UInt64(base[k])
                k += 1
            }
        }
        if high & 0x8080_8080_8080_8080 == 0 { return String(decoding: raw, as: UTF8.self) }
        return String(validating: raw, as: UTF8.self)
    }

    /// Whether the string at `i` is empty (no allocation).
    @inlinable public func isEmptyString(_ i: Int) -> Bool {
        let t = tokens[i]
        return t.kind == .string && t.start == t.end
    }

    /// The integer at `i`, nil when not an integer number.
    public func int(_ i: Int) -> Int? {
        let t = tokens[i]
        guard t.kind == .number else { return nil }
        var value = 0
        var negative = false
        var k = Int(t.start)
        let end = Int(t.end)
        if bytes[k] == UInt8(ascii: "-") {
            negative = true
            k += 1
        }
        while k < end {
            let c = bytes[k]
            guard c >= 48, c <= 57 else {
                // 1.0 or 1e3: go through Double.
                guard let d = double(i), d.rounded() == d else { return nil }
                return Int(exactly: d)
            }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(c - 48))
            if o1 || o2 { return nil }
            value = s
            k += 1
        }
        return negative ? -value : value
    }

    public func double(_ i: Int) -> Double? {
        guard let text = numberText(i) else { return nil }
        return Double(text)
    }

    public func numberText(_ i: Int) -> String? {
        let t = tokens[i]
        guard t.kind == .number else { return nil }
        return String(decoding: bytes[Int(t.start)..<Int(t.end)], as: UTF8.self)
    }

    @inlinable public func bool(_ i: Int) -> Bool? {
        switch tokens[i].kind {
        case .true: return true
        case .false: return false
        default: return nil
        }
    }

    @inlinable public func isNull(_ i: Int) -> Bool { tokens[i].kind == .null }

    /// The raw JSON text of the value at `i` (for pass-through of unknown data).
    public func rawText(_ i: Int) -> String {
        let t = tokens[i]
        let start: Int
        let end: Int
        switch t.kind {
        case .string:
            start = Int(t.start) - 1
            end = Int(t.end) + 1
        case .number:
            start = Int(t.start)
            end = Int(t.end)
        case .array, .object:
            start = Int(t.start)
            end = closingOffset(i) + 1
        case .null: return "null"
        case .true: return "true"
        case .false: return "false"
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func closingOffset(_ i: Int) -> Int { Int(tokens[i].close) }

    /// Materialises the value at `i` as a `JSONValue` tree.
    public func value(_ i: Int) throws(JSONParseError) -> JSONValue {
        let t = tokens[i]
        switch t.kind {
        case .null: return .null
        case .true: return .bool(true)
        case .false: return .bool(false)
        case .number: return .number(numberText(i)!)
        case .string:
            guard let s = string(i) else {
                throw JSONParseError(offset: Int(t.start), reason: "invalid UTF-8 in string")
            }
            return .string(s)
        case .array:
            var items: [JSONValue] = []
            items.reserveCapacity(Int(t.count))
            var failure: JSONParseError?
            forEachElement(i) { e in
                guard failure == nil else { return }
                do throws(JSONParseError) { items.append(try value(e)) } catch { failure = error }
            }
            if let failure { throw failure }
            return .array(items)
        case .object:
            var pairs: [(key: String, value: JSONValue)] = []
            pairs.reserveCapacity(Int(t.count))
            var failure: JSONParseError?
            forEachMember(i) { k, v in
                guard failure == nil else { return }
                guard let key = string(k) else {
                    failure = JSONParseError(offset: Int(tokens[k].start), reason: "invalid UTF-8 in key")
                    return
                }
                do throws(JSONParseError) { pairs.append((key, try value(v))) } catch { failure = error }
            }
            if let failure { throw failure }
            return .object(pairs)
        }
    }

    // MARK: Unescaping

    @usableFromInline static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            let c = raw[i]
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < raw.count else { return nil }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(raw, i) else { return nil }
                i += 4
                if scalar >= 0xD800, scalar < 0xDC00 {
                    // High surrogate: must be followed by \uDC00-\uDFFF.
                    guard i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u"),
                        let low = hex4(raw, i + 2), low >= 0xDC00, low < 0xE000
                    else { return nil }
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00, scalar < 0xE000 {
                    return nil
                }
                guard let u = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: UTF8.encode(u)!)
            default: return nil
            }
        }
        return out
    }

    private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        guard at + 4 <= raw.count else { return nil }
        var v: UInt32 = 0
        for k in at..<(at + 4) {
            let c = raw[k]
            let d: UInt8
            switch c {
            case 48...57: d = c - 48
            case 65...70: d = c - 55
            case 97...102: d = c - 87
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }
}

/// The first `min(4, count)` bytes at `p`, packed little-endian.
@inlinable @inline(__always)
@_spi(LLMKitInternal) public func prefix4(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
    var v: UInt32 = 0
    var k = 0
    while k < count && k < 4 {
        v |= UInt32(p[k]) << (8 * UInt32(k))
        k += 1
    }
    return Int32(bitPattern: v)
}

@inlinable @inline(__always)
@_spi(LLMKitInternal) public func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var k = 0
    while k < n {
        if a[k] != b[k] { return false }
        k += 1
    }
    return true
}

private struct Parser {
    let p: UnsafeBufferPointer<UInt8>
    let out: UnsafeMutablePointer<JSONTape.Token>
    let capacity: Int
    var i = 0
    var n = 0

    init(p: UnsafeBufferPointer<UInt8>, out: UnsafeMutablePointer<JSONTape.Token>, capacity: Int) {
        self.p = p
        self.out = out
        self.capacity = capacity
    }

    @inline(__always) mutating func emit(_ t: JSONTape.Token) throws(JSONParseError) {
        guard n < capacity else { throw fail("too many values") }
        out[n] = t
        n += 1
    }

    func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: i, reason: reason) }

    @inline(__always) mutating func skipWhitespace() {
        while i < p.count {
            let c = p[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    mutating func value(depth: Int) throws(JSONParseError) {
        guard i < p.count else { throw fail("unexpected end of input") }
        guard depth < 512 else { throw fail("nesting deeper than 512") }
        switch p[i] {
        case UInt8(ascii: "{"): try object(depth: depth)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true", .true)
        case UInt8(ascii: "f"): try literal("false", .false)
        case UInt8(ascii: "n"): try literal("null", .null)
        case UInt8(ascii: "-"), 48...57: try number()
        default: throw fail("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString, _ kind: JSONTape.Kind) throws(JSONParseError) {
        let len = word.utf8CodeUnitCount
        guard i + len <= p.count else { throw fail("unexpected end of input") }
        for k in 0..<len where p[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
        try emit(.init(kind: kind, escaped: false, start: Int32(i), end: Int32(i + len), count: 0))
        i += len
    }

    mutating func number() throws(JSONParseError) {
        let start = i
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < p.count, p[i] >= 48, p[i] <= 57 else { throw fail("invalid number") }
        if p[i] == 48 {
            i += 1
        } else {
            while i < p.count, p[i] >= 48, p[i] <= 57 { i += 1 }
        }
        if i < p.count, p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < p.count, p[i] >= 48, p[i] <= 57 else { throw fail("invalid number") }
            while i < p.count, p[i] >= 48, p[i] <= 57 { i += 1 }
        }
        if i < p.count, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            if i < p.count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard i < p.count, p[i] >= 48, p[i] <= 57 else { throw fail("invalid number") }
            while i < p.count, p[i] >= 48, p[i] <= 57 { i += 1 }
        }
        try emit(.init(kind: .number, escaped: false, start: Int32(start), end: Int32(i), count: 0))
    }

    mutating func string() throws(JSONParseError) {
        i += 1  // opening quote
        let start = i
        var escaped = false
        let size = p.count
        let base = p.baseAddress!
        while i < size {
            // Skip 8 plain bytes at a time: none is '"', '\\' or a control character.
            while i + 8 <= size {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let special = Self.specialBytes(w)
                if special != 0 {
                    // The lowest flagged byte is exact (borrows only run upwards): jump to it.
                    i += special.trailingZeroBitCount &>> 3
                    break
                }
                i += 8
            }
            guard i < size else { break }
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                // The first four bytes in one load when they are in the buffer (the usual case).
                let len = i - start
                let head: Int32
                if start + 4 <= size {
                    let w = UInt32(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt32.self))
                    head = Int32(bitPattern: len >= 4 ? w : w & ~(UInt32.max << (8 * UInt32(len))))
                } else {
                    head = prefix4(base + start, len)
                }
                try emit(.init(kind: .string, escaped: escaped, start: Int32(start), end: Int32(i), count: head))
                i += 1
                return
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                i += 2
                continue
            }
            if c < 0x20 { throw fail("control character in string") }
            i += 1
        }
        throw fail("unterminated string")
    }

    /// A mask with the high bit set in each byte of `w` that is '"', '\\' or below 0x20
    /// (SWAR, little-endian; bytes >= 0x80 are never flagged). Only the lowest flag is exact.
    @inline(__always) static func specialBytes(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let q = w ^ (ones &* 0x22)
        let b = w ^ (ones &* 0x5C)
        let quote = (q &- ones) & ~q & highs
        let backslash = (b &- ones) & ~b & highs
        let control = (w &- ones &* 0x20) & ~w & highs
        return quote | backslash | control
    }

    mutating func array(depth: Int) throws(JSONParseError) {
        let me = n
        try emit(.init(kind: .array, escaped: false, start: Int32(i), end: 0, count: 0))
        i += 1
        skipWhitespace()
        var count: Int32 = 0
        if i < p.count, p[i] == UInt8(ascii: "]") {
            i += 1
        } else {
            while true {
                skipWhitespace()
                try value(depth: depth + 1)
                count += 1
                skipWhitespace()
                guard i < p.count else { throw fail("unexpected end of input in array") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if p[i] == UInt8(ascii: "]") {
                    i += 1
                    break
                }
                throw fail("expected ',' or ']'")
            }
        }
        out[me].end = Int32(n)
        out[me].count = count
        out[me].close = Int32(i - 1)
    }

    mutating func object(depth: Int) throws(JSONParseError) {
        let me = n
        try emit(.init(kind: .object, escaped: false, start: Int32(i), end: 0, count: 0))
        i += 1
        skipWhitespace()
        var count: Int32 = 0
        if i < p.count, p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                try string()
                skipWhitespace()
                guard i < p.count, p[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipWhitespace()
                try value(depth: depth + 1)
                count += 1
                skipWhitespace()
                guard i < p.count else { throw fail("unexpected end of input in object") }
                if p[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if p[i] == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                throw fail("expected ',' or '}'")
            }
        }
        out[me].end = Int32(n)
        out[me].count = count
        out[me].close = Int32(i - 1)
    }
}

extension JSONValue {
    /// Parses JSON text. Invalid UTF-8 inside strings is an error.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        var tape = JSONTape()
        try tape.parse(bytes)
        self = try tape.value(tape.root)
    }

    /// Parses JSON text.
    public init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: Array(text.utf8))
    }
}
