extension String {
    /// The string as one URL path segment: every byte outside RFC 3986's unreserved set
    /// (`A-Z a-z 0-9 - . _ ~`) percent-encoded, so `/` and `:` in a model id stay inside the segment.
    package var addingPercentEncodingForPath: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in utf8 {
            switch b {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(b & 0xF)]))
            }
        }
        return out
    }
}
