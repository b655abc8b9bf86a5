/// A `multipart/form-data` body (RFC 7578): text fields and files, in order.
package struct MultipartForm: Sendable {
    package let boundary: String
    private(set) var body: [UInt8] = []

    package init(boundary: String = "llmkit-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)) {
        self.boundary = boundary
    }

    package var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    package mutating func field(_ name: String, _ value: String) {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.escape(name))\"\r\n\r\n".utf8)
        body += Array(value.utf8)
        body += Array("\r\n".utf8)
    }

    package mutating func file(_ name: String, filename: String, contentType: String, data: [UInt8]) {
        body += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(Self.escape(name))\"; filename=\"\(Self.escape(filename))\"\r\nContent-Type: \(contentType)\r\n\r\n"
                .utf8)
        body += data
        body += Array("\r\n".utf8)
    }

    /// The finished body (the closing boundary appended).
    package func bytes() -> [UInt8] { body + Array("--\(boundary)--\r\n".utf8) }

    /// Quotes and line breaks cannot appear inside a quoted parameter.
    private static func escape(_ s: String) -> String {
        s.replacing("\"", with: "%22").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
    }
}
