/// The separate timeouts of one call.
public struct Timeouts: Sendable, Hashable {
    /// Establishing the TCP/TLS connection.
    public var connect: Duration
    /// From sending the request until the response head arrives.
    public var firstByte: Duration
    /// Longest silence between two reads of the response (with your own `HTTPClient`, its read timeout).
    public var idle: Duration
    /// The whole call, nil for none. Checked between chunks while streaming.
    public var total: Duration?

    public init(
        connect: Duration = .seconds(10), firstByte: Duration = .seconds(600), idle: Duration = .seconds(300),
        total: Duration? = nil
    ) {
        self.connect = connect
        self.firstByte = firstByte
        self.idle = idle
        self.total = total
    }

    public static let `default` = Timeouts()
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmedWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
