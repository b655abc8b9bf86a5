import AsyncHTTPClient
import LLMKit

enum HTTPClientFactory {
    static func make(idle: Duration) -> HTTPClient {
        HTTPClient.makeForLLMKit(timeouts: Timeouts(idle: idle))
    }
}
