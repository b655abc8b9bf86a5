#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// AWS Signature Version 4 request signing (header variant).
///
/// ```swift
/// let s = SigV4(credentials: creds, region: "us-east-1", service: "bedrock")
/// let signed = s.sign(method: "POST", path: "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
///                     headers: [("host", "bedrock-runtime.us-east-1.amazonaws.com"),
///                               ("content-type", "application/json")],
///                     body: body, date: SigV4.timestamp())
/// // add signed.headers to the request
/// ```
///
/// Rules (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
/// header names lowercased, values trimmed with inner runs of spaces collapsed, sorted by
/// name, repeated names joined by `,`; query parameters RFC 3986-encoded and sorted by key
/// then value; the path normalized (`.`, `..`, `//` removed) and, with `doubleURIEncode`,
/// every segment encoded once more (so `%3A` on the wire is `%253A` in the canonical request).
package struct SigV4: Sendable {
    package var credentials: AWSCredentials
    package var region: String
    /// The signing name, e.g. `bedrock` (not `bedrock-runtime`).
    package var service: String
    /// Encode each path segment again (every service except S3).
    package var doubleURIEncode: Bool
    /// Add and sign `x-amz-content-sha256` (S3 style; botocore does not add it for Bedrock).
    package var addContentSHA256Header: Bool

    package init(
        credentials: AWSCredentials, region: String, service: String, doubleURIEncode: Bool = true,
        addContentSHA256Header: Bool = false
    ) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.doubleURIEncode = doubleURIEncode
        self.addContentSHA256Header = addContentSHA256Header
    }

    /// The result of signing: headers to add, plus the intermediate strings (for tests and debugging).
    package struct Signed: Sendable {
        /// Headers to add to the request, lowercase names: `x-amz-date`, `x-amz-security-token` (with a
        /// session token), `x-amz-content-sha256` (when enabled) and `authorization`.
        package var headers: [(String, String)]
        package var canonicalRequest: String
        package var stringToSign: String
        /// Lowercase hex signature.
        package var signature: String
        /// The `authorization` header value.
        package var authorization: String
    }

    /// Signs a request.
    /// - Parameters:
    ///   - path: the path as sent on the wire (already percent-encoded once), without the query.
    ///   - query: query parameters, *not* percent-encoded (they are encoded here).
    ///   - headers: the headers that will be sent and signed; include `host`. Do not include
    ///     `authorization`, `x-amz-date` or `x-amz-security-token`.
    ///   - date: `yyyyMMdd'T'HHmmss'Z'` in UTC, e.g. from ``timestamp(epochSeconds:)``.
    package func sign(
        method: String, path: String, query: [(String, String)] = [], headers: [(String, String)],
        body: [UInt8], date: String
    ) -> Signed {
        let payloadHash = hex(SHA256.hash(body))
        var added: [(String, String)] = [("x-amz-date", date)]
        if let token = credentials.sessionToken, !token.isEmpty { added.append(("x-amz-security-token", token)) }
        if addContentSHA256Header { added.append(("x-amz-content-sha256", payloadHash)) }

        let skip: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token"]
        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            let n = name.lowercased()
            if skip.contains(n) || (addContentSHA256Header && n == "x-amz-content-sha256") { continue }
            byName[n, default: []].append(Self.trimHeaderValue(value))
        }
        for (n, v) in added { byName[n, default: []].append(v) }
        let names = byName.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var canonicalHeaders = ""
        for n in names { canonicalHeaders += n + ":" + (byName[n] ?? []).joined(separator: ",") + "\n" }
        let signedHeaders = names.joined(separator: ";")

        let canonicalRequest = [
            method.uppercased(), canonicalURI(path), Self.canonicalQuery(query), canonicalHeaders, signedHeaders,
            payloadHash,
        ].joined(separator: "\n")

        let day = String(date.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", date, scope, hex(SHA256.hash(Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")

        var key = HMAC.sha256(key: Array(("AWS4" + credentials.secretAccessKey).utf8), message: Array(day.utf8))
        for part in [region, service, "aws4_request"] { key = HMAC.sha256(key: key, message: Array(part.utf8)) }
        let signature = hex(HMAC.sha256(key: key, message: Array(stringToSign.utf8)))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signed(
            headers: added + [("authorization", authorization)], canonicalRequest: canonicalRequest,
            stringToSign: stringToSign, signature: signature, authorization: authorization)
    }

    /// The canonical URI. With `doubleURIEncode`: `path` normalized (`.` and `..` segments resolved,
    /// empty segments dropped, a trailing `/` kept) and each segment encoded again. Without it (S3
    /// style): `path` unchanged.
    package func canonicalURI(_ path: String) -> String {
        guard doubleURIEncode else { return path.isEmpty ? "/" : path }
        let raw = path.split(separator: "/", omittingEmptySubsequences: true)
        var segments: [Substring] = []
        for s in raw {
            if s == "." { continue }
            if s == ".." {
                _ = segments.popLast()
                continue
            }
            segments.append(s)
        }
        let trailing =
            !segments.isEmpty && (path.hasSuffix("/") || raw.last == "." || raw.last == "..")
        let encoded = segments.map { Self.uriEncode(String($0)) }
        return "/" + encoded.joined(separator: "/") + (trailing ? "/" : "")
    }

    /// The canonical query string: each key and value RFC 3986-encoded, sorted by key then value.
    package static func canonicalQuery(_ items: [(String, String)]) -> String {
        items.map { (uriEncode($0.0), uriEncode($0.1)) }
            .sorted {
                let (a, b) = (Array($0.0.utf8), Array($1.0.utf8))
                return a != b ? a.lexicographicallyPrecedes(b) : Array($0.1.utf8).lexicographicallyPrecedes($1.1.utf8)
            }
            .map { $0.0 + "=" + $0.1 }
            .joined(separator: "&")
    }

    /// Percent-encodes everything except the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`),
    /// as `%XX` in upper-case hex over the UTF-8 bytes. A space is `%20`, `/` is `%2F`.
    package static func uriEncode(_ s: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), digits[Int(b >> 4)], digits[Int(b & 0x0f)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Trims a header value and collapses inner runs of whitespace (space, tab, CR, LF) to one space.
    package static func trimHeaderValue(_ value: String) -> String {
        var out: [UInt8] = []
        var pendingSpace = false
        for b in value.utf8 {
            if b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            out.append(b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The current UTC time as `yyyyMMdd'T'HHmmss'Z'`.
    package static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return timestamp(epochSeconds: Int(ts.tv_sec))
    }

    /// `epochSeconds` (seconds since 1970-01-01 UTC) as `yyyyMMdd'T'HHmmss'Z'`.
    package static func timestamp(epochSeconds: Int) -> String {
        var t = time_t(epochSeconds)
        var parts = tm()
        _ = gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
    }
}
