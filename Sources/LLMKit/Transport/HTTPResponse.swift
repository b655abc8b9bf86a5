import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A response head and its body, from either of LLMKit's two HTTP engines: its own HTTP/1.1
/// client (the default) or an `HTTPClient` the caller supplied.
package struct HTTPResponse: Sendable {
    package var status: HTTPResponseStatus
    package var headers: HTTPHeaders
    package var body: Body

    init(_ response: HTTPClientResponse) {
        status = response.status
        headers = response.headers
        body = Body(storage: .client(response.body))
    }

    init(status: HTTPResponseStatus, headers: HTTPHeaders, body: HTTP1Body) {
        self.status = status
        self.headers = headers
        self.body = Body(storage: .own(body))
    }

    /// The body as an async sequence of buffers. Read it once.
    package struct Body: AsyncSequence, Sendable {
        package typealias Element = ByteBuffer

        enum Storage: Sendable {
            case client(HTTPClientResponse.Body)
            case own(HTTP1Body)
        }
        let storage: Storage

        package func makeAsyncIterator() -> AsyncIterator {
            switch storage {
            case .client(let body): AsyncIterator(client: body.makeAsyncIterator(), own: nil)
            case .own(let body): AsyncIterator(client: nil, own: body)
            }
        }

        package struct AsyncIterator: AsyncIteratorProtocol {
            var client: HTTPClientResponse.Body.AsyncIterator?
            let own: HTTP1Body?

            package mutating func next() async throws -> ByteBuffer? {
                if let own { return try await own.next() }
                return try await client!.next()
            }
        }

        /// The whole body, failing when it is longer than `limit` bytes.
        package func collect(upTo limit: Int) async throws -> ByteBuffer {
            var all = ByteBuffer()
            for try await var chunk in self {
                guard all.readableBytes + chunk.readableBytes <= limit else {
                    throw HTTP1Error.bodyTooLarge(limit)
                }
                all.writeBuffer(&chunk)
            }
            return all
        }
    }
}
