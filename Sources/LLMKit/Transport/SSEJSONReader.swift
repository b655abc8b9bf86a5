import AsyncHTTPClient
@_spi(LLMKitInternal) import LLMKitCore
import NIOCore

extension LLMKit {
    /// Sends `call` and returns the response once the provider answered with a success status, retried
    /// per `RetryPolicy` until then; an error status is read whole and mapped by the call's dialect. For
    /// streamed bodies (speech audio, SSE events) that are read after this returns.
    func openStreaming(_ call: PreparedCall, started: ContinuousClock.Instant) async throws(LLMError)
        -> HTTPResponse
    {
        let transport = self.transport
        return try await retry.run { () async throws(LLMError) -> HTTPResponse in
            let response = try await call.send(transport)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                let body = try await LLMKit.collect(response, call: call, transport: transport, started: started)
                throw call.mapError(status: status, headers: response.headers, body: body)
            }
            return response
        }
    }
}

/// Reads a Server-Sent Events body as one JSON document per `data:` field (for the non-chat streams:
/// transcription events). A `[DONE]` sentinel is skipped; a payload that is not JSON is a decoding error.
/// One consumer at a time.
final class SSEJSONReader {
    private var body: HTTPResponse.Body.AsyncIterator
    private var parser = SSEParser()
    private var pending: [[UInt8]] = []
    private var index = 0
    private var ended = false
    private let provider: String
    private let total: Duration?
    private let started: ContinuousClock.Instant

    init(_ response: HTTPResponse, provider: String, total: Duration?, started: ContinuousClock.Instant) {
        body = response.body.makeAsyncIterator()
        self.provider = provider
        self.total = total
        self.started = started
    }

    /// The next event's JSON; nil once the body has ended.
    func next() async throws(LLMError) -> JSONTape? {
        while true {
            if index < pending.count {
                let data = pending[index]
                index += 1
                var tape = JSONTape()
                do {
                    try tape.parse(data)
                } catch {
                    let shown = String(decoding: data.prefix(300), as: UTF8.self)
                    throw LLMError(
                        .decoding, "\(provider) sent a stream event that is not valid JSON (\(error)): \(shown)",
                        provider: provider)
                }
                return tape
            }
            pending.removeAll(keepingCapacity: true)
            index = 0
            if ended { return nil }
            let chunk: ByteBuffer?
            do {
                chunk = try await body.next()
            } catch {
                throw HTTPTransport.map(error, provider: provider)
            }
            if let total, ContinuousClock.now - started > total {
                throw LLMError(
                    .timeout, "the stream took longer than the total timeout (\(total))", provider: provider,
                    timeoutPhase: .total)
            }
            guard let chunk else {
                ended = true
                parser.finish { _, data in collect(data) }
                continue
            }
            chunk.withUnsafeReadableBytes { bytes in parser.feed(bytes) { _, data in collect(data) } }
        }
    }

    private func collect(_ data: UnsafeRawBufferPointer) {
        if data.count == 6, data.elementsEqual("[DONE]".utf8) { return }
        pending.append(Array(data))
    }
}
