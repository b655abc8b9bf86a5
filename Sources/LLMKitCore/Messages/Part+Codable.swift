// LLMKit's own message encoding: `{"type": "text", "text": "..."}` and so on.
// This is what `llmkit chat --json` prints as `message` and `--messages` reads.

extension Part: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, text, url, data, mimeType, filename, toolCall, toolResult, reasoning
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "text": self = .text(try c.decode(String.self, forKey: .text))
        case "image", "file":
            let source: MediaSource
            if let url = try c.decodeIfPresent(String.self, forKey: .url) {
                source = .url(url, mimeType: try c.decodeIfPresent(String.self, forKey: .mimeType))
            } else {
                let b64 = try c.decode(String.self, forKey: .data)
                guard let bytes = Base64.decode(b64) else {
                    throw DecodingError.dataCorruptedError(forKey: .data, in: c, debugDescription: "not base64")
                }
                source = .data(
                    bytes, mimeType: try c.decode(String.self, forKey: .mimeType),
                    filename: try c.decodeIfPresent(String.self, forKey: .filename))
            }
            self = type == "image" ? .image(source) : .file(source)
        case "toolCall": self = .toolCall(try ToolCall(from: decoder))
        case "toolResult": self = .toolResult(try ToolResult(from: decoder))
        case "reasoning": self = .reasoning(try ReasoningPart(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription:
                    "unknown part type '\(type)' (expected text, image, file, toolCall, toolResult, reasoning)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let t):
            try c.encode("text", forKey: .type)
            try c.encode(t, forKey: .text)
        case .image(let s), .file(let s):
            if case .image = self { try c.encode("image", forKey: .type) } else { try c.encode("file", forKey: .type) }
            switch s {
            case .url(let u, let m):
                try c.encode(u, forKey: .url)
                try c.encodeIfPresent(m, forKey: .mimeType)
            case .data(let d, let m, let f):
                try c.encode(Base64.encode(d), forKey: .data)
                try c.encode(m, forKey: .mimeType)
                try c.encodeIfPresent(f, forKey: .filename)
            }
        case .toolCall(let call):
            try c.encode("toolCall", forKey: .type)
            try call.encode(to: encoder)
        case .toolResult(let r):
            try c.encode("toolResult", forKey: .type)
            try r.encode(to: encoder)
        case .reasoning(let r):
            try c.encode("reasoning", forKey: .type)
            try r.encode(to: encoder)
        }
    }
}

/// Standard base64 (RFC 4648) without Foundation.
public enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: some Collection<UInt8>, urlSafe: Bool = false, padding: Bool = true) -> String {
        let a = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((a.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= a.count {
            let n = UInt32(a[i]) << 16 | UInt32(a[i + 1]) << 8 | UInt32(a[i + 2])
            for s in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(s)) & 63)]) }
            i += 3
        }
        let rest = a.count - i
        if rest > 0 {
            var n = UInt32(a[i]) << 16
            if rest == 2 { n |= UInt32(a[i + 1]) << 8 }
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            if rest == 2 { out.append(alphabet[Int((n >> 6) & 63)]) }
            if padding { out.append(contentsOf: Array(repeating: UInt8(ascii: "="), count: 3 - rest)) }
        }
        if urlSafe {
            for k in out.indices {
                if out[k] == UInt8(ascii: "+") {
                    out[k] = UInt8(ascii: "-")
                } else if out[k] == UInt8(ascii: "/") {
                    out[k] = UInt8(ascii: "_")
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard or URL-safe base64, with or without padding; nil if invalid.
    public static func decode(_ text: String) -> [UInt8]? {
        var acc: UInt32 = 0
        var bits = 0
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case 65...90: v = UInt32(c - 65)
            case 97...122: v = UInt32(c - 71)
            case 48...57: v = UInt32(c + 4)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): v = 63
            case UInt8(ascii: "="), 0x0A, 0x0D: continue
            default: return nil
            }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}
