import AsyncHTTPClient
import NIOCore

/// How much of a request body has been handed to the network.
public struct UploadProgress: Sendable, Hashable {
    /// Bytes written so far.
    public var sent: Int
    /// The body's size in bytes.
    public var total: Int

    public init(sent: Int, total: Int) {
        self.sent = sent
        self.total = total
    }

    /// `sent / total`, 1 for an empty body.
    public var fraction: Double { total == 0 ? 1 : Double(sent) / Double(total) }
}

/// A request body in 64 KiB chunks that reports each chunk as the HTTP client pulls it. The client pulls
/// the next chunk only when the connection can take it, so the count follows the socket, one chunk ahead.
struct ProgressReportingBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    static let chunkSize = 64 << 10

    let bytes: [UInt8]
    let report: @Sendable (UploadProgress) -> Void

    func makeAsyncIterator() -> Iterator { Iterator(bytes: bytes, report: report) }

    struct Iterator: AsyncIteratorProtocol {
        let bytes: [UInt8]
        let report: @Sendable (UploadProgress) -> Void
        var offset = 0

        mutating func next() async -> ByteBuffer? {
            guard offset < bytes.count else { return nil }
            let end = Swift.min(offset + ProgressReportingBody.chunkSize, bytes.count)
            let chunk = ByteBuffer(bytes: bytes[offset..<end])
            offset = end
            report(UploadProgress(sent: end, total: bytes.count))
            return chunk
        }
    }
}
