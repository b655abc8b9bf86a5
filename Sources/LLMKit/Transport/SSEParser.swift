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
        var i = 0
        let n = bytes.count
        if skipLF, n > 0 {
            skipLF = false
            if bytes[0] == 0x0A { i = 1 }
        }
        var lineStart = i
        while i < n {
            let c = bytes[i]
            if c == 0x0A || c == 0x0D {
                if partial.isEmpty {
                    try line(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<i]), handler)
                } else {
                    partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<i]))
                    var p: [UInt8] = []
                    swap(&p, &partial)
                    defer {
                        p.removeAll(keepingCapacity: true)
                        partial = p
                    }
                    try p.withUnsafeBytes { try line($0, handler) }
                }
                if c == 0x0D {
                    if i + 1 < n {
                        if bytes[i + 1] == 0x0A { i += 1 }
                    } else {
                        skipLF = true
                    }
                }
                i += 1
                lineStart = i
            } else {
                i += 1
            }
        }
        if lineStart < n {
            partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<n]))
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
        case 4 where name.elementsEqual("data".utf8):
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case 5 where name.elementsEqual("event".utf8):
            event.removeAll(keepingCapacity: true)
            event.append(contentsOf: value)
        case 2 where name.elementsEqual("id".utf8):
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case 5 where name.elementsEqual("retry".utf8):
            if let ms = Int(String(decoding: value, as: UTF8.self)) { retryMilliseconds = ms }
        default:
            break  // unknown field: ignored, as the spec says
        }
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
