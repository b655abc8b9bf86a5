/// One message of an AWS event stream (`application/vnd.amazon.eventstream`).
package struct AWSEventStreamMessage: Sendable {
    /// A typed header value.
    package enum HeaderValue: Sendable, Hashable {
        case bool(Bool)
        case byte(Int8)
        case int16(Int16)
        case int32(Int32)
        case int64(Int64)
        case bytes([UInt8])
        case string(String)
        /// Milliseconds since 1970-01-01 UTC.
        case timestamp(Int64)
        /// 16 bytes.
        case uuid([UInt8])
    }

    /// Headers in wire order (names are unique within a message).
    package var headers: [(String, HeaderValue)]
    package var payload: [UInt8]

    package init(headers: [(String, HeaderValue)], payload: [UInt8]) {
        self.headers = headers
        self.payload = payload
    }

    /// The value of header `name`.
    package func header(_ name: String) -> HeaderValue? {
        headers.first { $0.0 == name }?.1
    }

    /// The value of string header `name` (e.g. `:event-type`, `:message-type`, `:exception-type`).
    package func string(_ name: String) -> String? {
        if case .string(let s) = header(name) { return s }
        return nil
    }
}

/// Why an event stream could not be decoded.
package struct AWSEventStreamError: Error, CustomStringConvertible {
    package enum Kind: Sendable, Hashable {
        case preludeChecksumMismatch, messageChecksumMismatch, badLength, truncated, unknownHeaderType
        case duplicateHeader, malformedHeader
        /// The `onMessage` callback threw; see `underlying`.
        case handler
    }

    package var kind: Kind
    package var message: String
    /// The callback's error, for `.handler`.
    package var underlying: (any Error)?

    package init(_ kind: Kind, _ message: String, underlying: (any Error)? = nil) {
        self.kind = kind
        self.message = message
        self.underlying = underlying
    }

    package var description: String { "AWS event stream: \(message)" }
}

/// An incremental decoder of AWS event-stream frames.
///
/// A frame is `total_length` (u32 BE, the whole frame), `headers_length` (u32 BE), the prelude CRC-32 of
/// those 8 bytes, the headers, the payload and the CRC-32 of everything before it. Frames may be split at
/// any byte across `feed` calls. Complete frames in the input are decoded in place; only a frame split
/// across calls is copied. After an error every later `feed` throws the same error.
package struct AWSEventStreamDecoder: Sendable {
    /// The largest frame accepted.
    package static let maxFrameLength = 16 * 1024 * 1024
    private static let preludeLength = 12

    /// The start of a frame split across `feed` calls (less than one frame).
    private var partial: [UInt8] = []
    private var failure: AWSEventStreamError?

    package init() {}

    /// Decodes the complete frames in `bytes` (with any partial frame kept from earlier calls) and calls
    /// `onMessage` for each, in order. An error thrown by `onMessage` is rethrown wrapped (`kind == .handler`).
    package mutating func feed(
        _ bytes: UnsafeRawBufferPointer, _ onMessage: (AWSEventStreamMessage) throws -> Void
    ) throws(AWSEventStreamError) {
        if let failure { throw failure }
        do {
            try decode(bytes, onMessage)
        } catch {
            failure = error
            throw error
        }
    }

    /// Checks that the stream ended on a frame boundary.
    package func finish() throws(AWSEventStreamError) {
        if let failure { throw failure }
        guard partial.isEmpty else {
            let expected =
                partial.count >= 4 ? " of \(partial.withUnsafeBytes { Self.u32($0, 0) }) bytes" : ""
            throw AWSEventStreamError(
                .truncated, "the stream ended inside a frame\(expected) (\(partial.count) bytes received)")
        }
    }

    private mutating func decode(
        _ bytes: UnsafeRawBufferPointer, _ onMessage: (AWSEventStreamMessage) throws -> Void
    ) throws(AWSEventStreamError) {
        var input = bytes
        if !partial.isEmpty {
            // Complete the prelude, then the frame, copying only what the frame needs.
            let wantPrelude = min(max(0, Self.preludeLength - partial.count), input.count)
            partial.append(contentsOf: input[input.startIndex..<(input.startIndex + wantPrelude)])
            input = UnsafeRawBufferPointer(rebasing: input[(input.startIndex + wantPrelude)...])
            guard partial.count >= Self.preludeLength else { return }
            let total = try partial.withUnsafeBytes { Self.prelude($0) }.get().total
            let want = min(total - partial.count, input.count)
            partial.append(contentsOf: input[input.startIndex..<(input.startIndex + want)])
            input = UnsafeRawBufferPointer(rebasing: input[(input.startIndex + want)...])
            guard partial.count == total else { return }
            let message = try partial.withUnsafeBytes { Self.message($0) }.get()
            partial.removeAll(keepingCapacity: true)
            try deliver(message, onMessage)
        }
        var offset = 0
        while input.count - offset >= Self.preludeLength {
            let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
            let total = try Self.prelude(rest).get().total
            guard rest.count >= total else { break }
            let message = try Self.message(UnsafeRawBufferPointer(rebasing: rest[0..<total])).get()
            offset += total
            try deliver(message, onMessage)
        }
        partial.append(contentsOf: input[offset...])
    }

    private func deliver(
        _ message: AWSEventStreamMessage, _ onMessage: (AWSEventStreamMessage) throws -> Void
    ) throws(AWSEventStreamError) {
        do {
            try onMessage(message)
        } catch {
            throw AWSEventStreamError(.handler, "the message handler failed: \(error)", underlying: error)
        }
    }

    /// Validates the 12-byte prelude at the start of `p`.
    private static func prelude(_ p: UnsafeRawBufferPointer) -> Result<(total: Int, headers: Int), AWSEventStreamError>
    {
        let total = Int(u32(p, 0))
        let headers = Int(u32(p, 4))
        let crc = u32(p, 8)
        let actual = CRC32.checksum(UnsafeRawBufferPointer(rebasing: p[0..<8]))
        guard crc == actual else {
            return .failure(
                AWSEventStreamError(
                    .preludeChecksumMismatch,
                    "prelude CRC mismatch (frame says \(hex32(crc)), computed \(hex32(actual))): the stream is corrupt or not an event stream"
                ))
        }
        guard total >= 16 else {
            return .failure(AWSEventStreamError(.badLength, "frame length \(total) is below the 16-byte minimum"))
        }
        guard total <= maxFrameLength else {
            return .failure(
                AWSEventStreamError(.badLength, "frame length \(total) exceeds the \(maxFrameLength)-byte limit"))
        }
        guard headers <= total - 16 else {
            return .failure(
                AWSEventStreamError(
                    .badLength, "headers length \(headers) does not fit in a frame of \(total) bytes"))
        }
        return .success((total, headers))
    }

    /// Decodes one whole frame (prelude already validated).
    private static func message(_ frame: UnsafeRawBufferPointer) -> Result<AWSEventStreamMessage, AWSEventStreamError> {
        let total = frame.count
        let expected = u32(frame, total - 4)
        let actual = CRC32.checksum(UnsafeRawBufferPointer(rebasing: frame[0..<(total - 4)]))
        guard expected == actual else {
            return .failure(
                AWSEventStreamError(
                    .messageChecksumMismatch,
                    "message CRC mismatch (frame says \(hex32(expected)), computed \(hex32(actual))): the frame is corrupt"
                ))
        }
        let headersEnd = preludeLength + Int(u32(frame, 4))
        var headers: [(String, AWSEventStreamMessage.HeaderValue)] = []
        var i = preludeLength
        func fail(_ kind: AWSEventStreamError.Kind, _ m: String) -> Result<AWSEventStreamMessage, AWSEventStreamError> {
            .failure(AWSEventStreamError(kind, m))
        }
        while i < headersEnd {
            let nameLength = Int(frame[i])
            i += 1
            guard i + nameLength + 1 <= headersEnd else {
                return fail(.malformedHeader, "a header name runs past the end of the headers section")
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: frame[i..<(i + nameLength)]), as: UTF8.self)
            i += nameLength
            let type = frame[i]
            i += 1
            var size: Int
            if let n = fixedSize(type) {
                size = n
            } else if type == 6 || type == 7 {
                guard i + 2 <= headersEnd else {
                    return fail(.malformedHeader, "header '\(name)' runs past the end of the headers section")
                }
                size = Int(frame[i]) << 8 | Int(frame[i + 1])
                i += 2
            } else {
                return fail(.unknownHeaderType, "header '\(name)' has unknown value type \(type) (known: 0-9)")
            }
            guard i + size <= headersEnd else {
                return fail(.malformedHeader, "header '\(name)' runs past the end of the headers section")
            }
            let raw = UnsafeRawBufferPointer(rebasing: frame[i..<(i + size)])
            let value: AWSEventStreamMessage.HeaderValue
            switch type {
            case 0: value = .bool(true)
            case 1: value = .bool(false)
            case 2: value = .byte(Int8(bitPattern: raw[0]))
            case 3: value = .int16(Int16(bitPattern: UInt16(raw[0]) << 8 | UInt16(raw[1])))
            case 4: value = .int32(Int32(bitPattern: u32(raw, 0)))
            case 5: value = .int64(Int64(bitPattern: u64(raw)))
            case 6: value = .bytes(Array(raw))
            case 7: value = .string(String(decoding: raw, as: UTF8.self))
            case 8: value = .timestamp(Int64(bitPattern: u64(raw)))
            default: value = .uuid(Array(raw))
            }
            i += size
            if headers.contains(where: { $0.0 == name }) {
                return fail(.duplicateHeader, "header '\(name)' appears twice in one message")
            }
            headers.append((name, value))
        }
        let payload = Array(UnsafeRawBufferPointer(rebasing: frame[headersEnd..<(total - 4)]))
        return .success(AWSEventStreamMessage(headers: headers, payload: payload))
    }

    /// The value size of a fixed-size header type; nil for variable-size and unknown types.
    private static func fixedSize(_ type: UInt8) -> Int? {
        switch type {
        case 0, 1: 0
        case 2: 1
        case 3: 2
        case 4: 4
        case 5, 8: 8
        case 9: 16
        default: nil
        }
    }

    private static func u32(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(p[at]) << 24 | UInt32(p[at + 1]) << 16 | UInt32(p[at + 2]) << 8 | UInt32(p[at + 3])
    }

    private static func u64(_ p: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(u32(p, 0)) << 32 | UInt64(u32(p, 4))
    }

    private static func hex32(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320; the zlib `crc32`).
package enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of `bytes`, continuing from `crc` (the CRC of the bytes before; 0 to start).
    package static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        }
        return ~c
    }

    /// The CRC-32 of `bytes`.
    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
