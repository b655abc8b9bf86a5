#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An incremental Server-Sent Events parser (WHATWG `text/event-stream`).
///
/// Bytes in, events out. Handles `\n`, `\r\n` and `\r` line ends (also split
/// across reads), multi-line `data:`, comments, `event:`/`id:`/`retry:`, and a
/// final event without a trailing blank line (`finish`). Complete lines are
/// parsed in place; only a line split across reads is copied. Buffers are
/// reused, so steady state allocates nothing.
package struct SSEParser: Sendable {
    private var partial: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var event: [UInt8] = []
    private var skipLF = false
    /// The last `id:` seen.
    package private(set) var lastEventID: String?
    /// The last valid `retry:` value, in milliseconds.
    package private(set) var retryMilliseconds: Int?
    /// Whether any complete line has been seen.
    package private(set) var sawAnyLine = false

    package init() {
        data.reserveCapacity(1024)
    }

    /// A dispatched event. The buffers are valid only during the callback.
    package typealias Handler = (_ event: UnsafeRawBufferPointer, _ data: UnsafeRawBufferPointer) throws -> Void

    /// Feeds bytes; calls `handler` for every complete event.
    package mutating func feed(_ bytes: UnsafeRawBufferPointer, _ handler: Handler) rethrows {
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return }
        var i = 0
        if skipLF {
            skipLF = false
            if bytes[0] == 0x0A { i = 1 }
        }
        while i < n {
            // The next line end: memchr for LF, then for CR before it (SIMD in libc).
            var end = n
            if let lf = memchr(base + i, 0x0A, n - i) { end = base.distance(to: UnsafeRawPointer(lf)) }
            if let cr = memchr(base + i, 0x0D, end - i) { end = base.distance(to: UnsafeRawPointer(cr)) }
            guard end < n else { break }
            let line = UnsafeRawBufferPointer(rebasing: bytes[i..<end])
            if partial.isEmpty {
                try self.line(line, handler)
            } else {
                partial.append(contentsOf: line)
                var p: [UInt8] = []
                swap(&p, &partial)
                defer {
                    p.removeAll(keepingCapacity: true)
                    partial = p
                }
                try p.withUnsafeBytes { try self.line($0, handler) }
            }
            if bytes[end] == 0x0D {
                if end + 1 < n {
                    if bytes[end + 1] == 0x0A { i = end + 2 } else { i = end + 1 }
                    continue
                }
                skipLF = true
            }
            i = end + 1
        }
        if i < n {
            partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<n]))
        }
    }

    /// Ends the stream: a pending line and a pending event without the final blank line are dispatched.
    package mutating func finish(_ handler: Handler) rethrows {
        if !partial.isEmpty {
            let p = partial
            partial.removeAll()
            try p.withUnsafeBytes { try line($0, handler) }
        }
        try dispatch(handler)
    }

    /// Whether bytes of an unfinished line or event are pending.
    package var hasPendingEvent: Bool { !partial.isEmpty || hasData }

    private mutating func line(_ l: UnsafeRawBufferPointer, _ handler: Handler) rethrows {
        sawAnyLine = true
        if l.isEmpty {
            try dispatch(handler)
            return
        }
        if l[0] == UInt8(ascii: ":") { return }  // comment
        var colon = 0
        while colon < l.count, l[colon] != UInt8(ascii: ":") { colon += 1 }
        let name = UnsafeRawBufferPointer(rebasing: l[0..<colon])
        var valueStart = colon < l.count ? colon + 1 : l.count
        if valueStart < l.count, l[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = UnsafeRawBufferPointer(rebasing: l[valueStart..<l.count])
        switch name.count {
        case 4 where Self.equals(name, 0x64_61_74_61):  // "data"
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case 5 where name[4] == UInt8(ascii: "t") && Self.equals(name, 0x65_76_65_6E):  // "event"
            event.removeAll(keepingCapacity: true)
            event.append(contentsOf: value)
        case 2 where name[0] == UInt8(ascii: "i") && name[1] == UInt8(ascii: "d"):
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case 5 where name[4] == UInt8(ascii: "y") && Self.equals(name, 0x72_65_74_72):  // "retry"
            if let ms = Int(String(decoding: value, as: UTF8.self)) { retryMilliseconds = ms }
        default:
            break  // unknown field: ignored, as the spec says
        }
    }

    /// Whether the first four bytes of `name` are `word` (big-endian spelling, e.g. 0x64617461 = "data").
    @inline(__always) private static func equals(_ name: UnsafeRawBufferPointer, _ word: UInt32) -> Bool {
        UInt32(name[0]) << 24 | UInt32(name[1]) << 16 | UInt32(name[2]) << 8 | UInt32(name[3]) == word
    }

    private mutating func dispatch(_ handler: Handler) rethrows {
        guard hasData else {
            event.removeAll(keepingCapacity: true)
            return
        }
        defer {
            data.removeAll(keepingCapacity: true)
            event.removeAll(keepingCapacity: true)
            hasData = false
        }
        try event.withUnsafeBytes { e in
            try data.withUnsafeBytes { d in try handler(e, d) }
        }
    }
}
