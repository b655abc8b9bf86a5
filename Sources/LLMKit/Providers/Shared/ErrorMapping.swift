import LLMKitCore
import NIOHTTP1

/// Maps an HTTP error answer to `LLMError`. Shared by all providers: their
/// error bodies differ only in where the message, type and code sit, and
/// `extract` finds them in every shape we know (OpenAI `{"error":{...}}`,
/// Anthropic `{"type":"error","error":{...}}`, Google `{"error":{"status",...}}`
/// and `[{"error":...}]`, plain `{"message"}` / `{"detail"}`).
package enum ErrorMapping {
    package struct Details: Sendable {
        var message: String?
        var type: String?
        var code: String?
        var param: String?
        var retryDelay: Duration?
    }

    package static func extract(_ body: [UInt8]) -> Details? {
        guard let root = try? JSONValue(parsing: body) else { return nil }
        var v = root
        if case .array(let items) = v, let first = items.first { v = first }
        var d = Details()
        let err = v["error"]
        if let e = err, case .object = e {
            d.message = e["message"]?.stringValue
            d.type = e["type"]?.stringValue ?? e["status"]?.stringValue
            d.code = e["code"]?.stringValue ?? e["code"]?.intValue.map(String.init)
            d.param = e["param"]?.stringValue
            for detail in e["details"]?.arrayValue ?? [] {
                if let delay = detail["retryDelay"]?.stringValue { d.retryDelay = RetryAfter.goDuration(delay) }
            }
        } else if let s = err?.stringValue {
            d.message = s
        }
        if d.message == nil { d.message = v["message"]?.stringValue ?? v["detail"]?.stringValue }
        if d.type == nil { d.type = v["type"]?.stringValue.flatMap { $0 == "error" ? nil : $0 } }
        if d.code == nil { d.code = v["code"]?.stringValue }
        return d.message == nil && d.type == nil ? nil : d
    }

    package static func map(
        status: Int, headers: HTTPHeaders, body: [UInt8], provider: String, model: String, keyVariable: String?
    ) -> LLMError {
        let details = extract(body)
        let bodyText = String(decoding: body.prefix(2048), as: UTF8.self)
        let trimmed = bodyText.drop(while: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" })
        let isHTML = trimmed.hasPrefix("<")
        var message: String
        if let m = details?.message, !m.isEmpty {
            message = m
        } else if isHTML {
            message = "the server answered \(status) with an HTML page, not JSON (a proxy or gateway error)"
        } else if body.isEmpty {
            message = "the server answered \(status) with an empty body"
        } else {
            message = "the server answered \(status): \(String(trimmed.prefix(200)))"
        }
        let code = details?.code
        let type = details?.type
        let lowered = (message + " " + (code ?? "") + " " + (type ?? "")).lowercased()
        var retryAfter = RetryAfter.parse(headers) ?? details?.retryDelay
        let kind: LLMError.Kind
        switch status {
        case 401:
            kind = .authentication
            message += keyVariable.map { " (check \($0))" } ?? ""
        case 403:
            kind = .permissionDenied
        case 404:
            kind = .notFound
            message += " (check the model name '\(model)' and the base URL)"
        case 408:
            kind = .timeout
        case 413:
            kind = .invalidRequest
        case 429:
            if code == "insufficient_quota" || type == "insufficient_quota" {
                kind = .permissionDenied
                message += " (the account's quota or billing limit is reached; retrying will not help)"
                retryAfter = nil
            } else {
                kind = .rateLimited
            }
        case 529:
            kind = .overloaded
        case 503 where lowered.contains("overload"):
            kind = .overloaded
        case 500...:
            kind = .server
        case 400...:
            if lowered.contains("context_length") || lowered.contains("context length")
                || lowered.contains("maximum context") || lowered.contains("prompt is too long")
                || lowered.contains("too many tokens") || lowered.contains("input token count")
            {
                kind = .contextLengthExceeded
            } else if lowered.contains("content_filter") || lowered.contains("content_policy")
                || lowered.contains("content management policy")
            {
                kind = .contentFiltered
            } else {
                kind = .invalidRequest
            }
        default:
            kind = .server
            message = "unexpected HTTP status \(status): " + message
        }
        return LLMError(
            kind, message, provider: provider, statusCode: status, requestID: headers.requestID,
            providerCode: code, providerType: type, param: details?.param, retryAfter: retryAfter,
            body: body.isEmpty ? nil : bodyText)
    }
}
