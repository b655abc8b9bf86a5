import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// SHA-256/HMAC, SigV4 (the aws-c-auth suite in Fixtures/sigv4), AWS credentials resolution and the
/// event-stream decoder (botocore vectors and the recorded Bedrock streams in Fixtures/bedrock).
@Suite("AWS")
struct AWSTests {
    // MARK: SHA-256 and HMAC

    @Test func sha256NISTVectors() {
        #expect(
            hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func sha256StreamingMatchesOneShot() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var h = SHA256()
        var i = 0
        var n = 1
        while i < message.count {
            let end = min(message.count, i + n)
            h.update(message[i..<end])
            i = end
            n = n % 70 + 1
        }
        #expect(h.finalize() == SHA256.hash(message))
        #expect(SHA256.hash(message.lazy.map { $0 }) == SHA256.hash(message))
    }

    @Test(arguments: [
        (
            "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            "0102030405060708090a0b0c0d0e0f10111213141516171819", String(repeating: "cd", count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        (
            String(repeating: "aa", count: 131),
            "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
    ])
    func hmacRFC4231(key: String, message: String, mac: String) {
        #expect(hex(HMAC.sha256(key: unhex(key), message: unhex(message))) == mac)
    }

    // MARK: SigV4

    static let sigv4Cases = [
        "get-header-value-trim", "get-space-normalized", "get-utf8", "get-vanilla", "get-vanilla-query-order-key-case",
        "get-vanilla-utf8-query", "get-vanilla-with-session-token", "post-header-key-case", "post-vanilla",
        "post-x-www-form-urlencoded",
    ]

    /// The aws-c-auth vectors. Their `request.txt` holds the path *unencoded*, and the canonical URI is it
    /// encoded once; passing it as the "wire" path with `doubleURIEncode` encodes it exactly once.
    @Test(arguments: sigv4Cases)
    func sigv4Vector(_ name: String) throws {
        let dir = "sigv4/\(name)/"
        let ctx = Fixture.json(dir + "context.json")
        let text = { (f: String) in String(decoding: Fixture.bytes(dir + f), as: UTF8.self) }
        let request = text("request.txt")
        let (head, body) =
            request.range(of: "\n\n").map { (request[..<$0.lowerBound], request[$0.upperBound...]) }
            ?? (request[...], "")
        var lines = head.split(separator: "\n")
        let requestLine = lines.removeFirst()
        let method = String(requestLine.prefix { $0 != " " })
        let target = requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count)
        let pathAndQuery = target.split(separator: "?", maxSplits: 1)
        let query: [(String, String)] = (pathAndQuery.count > 1 ? pathAndQuery[1].split(separator: "&") : []).map {
            let kv = $0.split(separator: "=", maxSplits: 1)
            return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
        }
        let headers: [(String, String)] = try lines.map {
            let colon = try #require($0.firstIndex(of: ":"))
            return (String($0[..<colon]), String($0[$0.index(after: colon)...]))
        }
        let date = try #require(ctx["timestamp"]?.stringValue).filter { $0 != "-" && $0 != ":" }
        let token = ctx["credentials"]?["token"]?.stringValue
        let signBody = ctx["sign_body"]?.boolValue ?? false
        let signer = SigV4(
            credentials: AWSCredentials(
                accessKeyID: try #require(ctx["credentials"]?["access_key_id"]?.stringValue),
                secretAccessKey: try #require(ctx["credentials"]?["secret_access_key"]?.stringValue),
                sessionToken: token),
            region: try #require(ctx["region"]?.stringValue), service: try #require(ctx["service"]?.stringValue),
            doubleURIEncode: true, addContentSHA256Header: signBody)
        let s = signer.sign(
            method: method, path: String(pathAndQuery[0]), query: query, headers: headers, body: Array(body.utf8),
            date: date)

        #expect(s.canonicalRequest == text("header-canonical-request.txt"))
        #expect(s.stringToSign == text("header-string-to-sign.txt"))
        #expect(s.signature == text("header-signature.txt").trimmingCharacters(in: .whitespacesAndNewlines))
        let signed = text("header-signed-request.txt")
        let authorization = signed.split(separator: "\n").first { $0.hasPrefix("Authorization:") }?
            .dropFirst("Authorization:".count)
        #expect(authorization.map(String.init) == s.authorization)
        #expect(s.headers.first.map { [$0.0, $0.1] } == ["x-amz-date", date])
        #expect(s.headers.last.map { [$0.0, $0.1] } == ["authorization", s.authorization])
        #expect(s.headers.contains { $0.0 == "x-amz-security-token" && $0.1 == token } == (token != nil))
        #expect(s.headers.contains { $0.0 == "x-amz-content-sha256" } == signBody)
        for (n, v) in s.headers {
            #expect(signed.lowercased().contains("\(n):\(v)".lowercased()), "\(n) in signed request")
        }
    }

    /// A Bedrock model id's `:` is `%3A` on the wire and `%253A` in the canonical request. Expected values were
    /// computed with botocore 1.43.11 `SigV4Auth(creds, "bedrock", "us-east-1")` at 2024-05-01T12:00:00Z.
    @Test func bedrockPathIsEncodedTwice() {
        let signer = SigV4(
            credentials: AWSCredentials(
                accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                sessionToken: "TOKEN123"),
            region: "us-east-1", service: "bedrock")
        let s = signer.sign(
            method: "POST", path: "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
            headers: [("Host", "bedrock-runtime.us-east-1.amazonaws.com"), ("Content-Type", "application/json")],
            body: Array(#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#.utf8), date: "20240501T120000Z")
        #expect(
            s.canonicalRequest == """
                POST
                /model/anthropic.claude-3-haiku-20240307-v1%253A0/converse

                content-type:application/json
                host:bedrock-runtime.us-east-1.amazonaws.com
                x-amz-date:20240501T120000Z
                x-amz-security-token:TOKEN123

                content-type;host;x-amz-date;x-amz-security-token
                c3335e07d6e89650bf94cb98664be69f8774dbc3198df221f113db0a59ea14f0
                """)
        #expect(s.stringToSign.hasSuffix("366f72d09095d1f0bada72ab1452c8ecdacdaa0f511841163151907cb1091503"))
        #expect(
            s.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=31afa3bf5381bc4fa4d10d71a6e1e3f263268e29f21882425d832448bff8a828"
        )
    }

    @Test func canonicalPathQueryHeaderRules() {
        let signer = SigV4(
            credentials: AWSCredentials(accessKeyID: "a", secretAccessKey: "b"), region: "r", service: "s")
        #expect(signer.canonicalURI("/a/./b/../c//d/") == "/a/c/d/")
        #expect(signer.canonicalURI("") == "/")
        #expect(signer.canonicalURI("/a/..") == "/")
        #expect(signer.canonicalURI("/a/b/.") == "/a/b/")
        var s3 = signer
        s3.doubleURIEncode = false
        #expect(s3.canonicalURI("/a%3A0//b") == "/a%3A0//b")
        #expect(
            SigV4.canonicalQuery([("b", "2"), ("a", "z"), ("a", "y"), ("c d", "e/f+")]) == "a=y&a=z&b=2&c%20d=e%2Ff%2B")
        #expect(SigV4.trimHeaderValue("  a   b \t c  ") == "a b c")
        let twice = signer.sign(
            method: "GET", path: "/", headers: [("Host", "h"), ("X-A", "1"), ("x-a", " 2 ")], body: [],
            date: "20150830T123600Z")
        #expect(twice.canonicalRequest.contains("\nx-a:1,2\n"))
    }

    @Test func timestampFormatting() {
        #expect(SigV4.timestamp(epochSeconds: 1_440_938_160) == "20150830T123600Z")
        let iso = ISO8601DateFormatter()
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let t = Int(rng.next() % 4_102_444_800)  // 1970 ..< 2100
            let want = iso.string(from: Date(timeIntervalSince1970: TimeInterval(t))).filter { $0 != "-" && $0 != ":" }
            #expect(SigV4.timestamp(epochSeconds: t) == want, "epoch \(t)")
        }
        let before = Int(Date().timeIntervalSince1970)
        let now = SigV4.timestamp()
        let after = Int(Date().timeIntervalSince1970)
        #expect((before...after).map { SigV4.timestamp(epochSeconds: $0) }.contains(now))
    }

    // MARK: Credentials

    @Test func credentialsFromEnvironment() throws {
        let (c, region) = try AWSCredentials.resolve(
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t",
                "AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "x", "HOME": "/nonexistent",
            ], profile: nil)
        #expect([c.accessKeyID, c.secretAccessKey, c.sessionToken, region] == ["AKIDENV", "s", "t", "ap-south-1"])
        let (d, r2) = try AWSCredentials.resolve(
            environment: ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S", "AWS_DEFAULT_REGION": "eu-west-3"],
            profile: nil)
        #expect(d.sessionToken == nil && r2 == "eu-west-3")
        #expect(
            !"\(AWSCredentials(accessKeyID: "A", secretAccessKey: "SECRETKEY", sessionToken: "TOKENX"))".contains(
                "SECRET"))
        #expect(
            !"\(AWSCredentials(accessKeyID: "A", secretAccessKey: "SECRETKEY", sessionToken: "TOKENX"))".contains(
                "TOKENX"))
    }

    @Test func credentialsFromFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("llmkit-aws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let credentials = dir.appendingPathComponent(".aws/credentials")
        let config = dir.appendingPathComponent(".aws/config")
        try Data(
            """
            # comment
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key=secretdefault
            ; another comment
            [work]
              AWS_ACCESS_KEY_ID   =   AKIDWORK
            aws_secret_access_key = secret/work+x==
            aws_session_token = tok=en
            [half]
            aws_access_key_id = AKIDHALF\r\n
            """.utf8
        ).write(to: credentials)
        try Data(
            """
            [default]
            region = eu-west-1
            [profile work]
            region=us-west-2
            aws_access_key_id = IGNORED
            [profile half]
            aws_secret_access_key = fromconfig
            [profile sso]
            sso_session = corp
            """.utf8
        ).write(to: config)
        let home = ["HOME": dir.path]
        func resolve(_ env: [String: String], _ profile: String? = nil) throws -> [String?] {
            let (c, region) = try AWSCredentials.resolve(environment: env, profile: profile)
            return [c.accessKeyID, c.secretAccessKey, c.sessionToken, region]
        }
        #expect(try resolve(home) == ["AKIDDEFAULT", "secretdefault", nil, "eu-west-1"])
        #expect(
            try resolve(home.merging(["AWS_PROFILE": "work"]) { a, _ in a }) == [
                "AKIDWORK", "secret/work+x==", "tok=en", "us-west-2",
            ])
        #expect(
            try resolve(home.merging(["AWS_REGION": "r"]) { a, _ in a }, "work") == [
                "AKIDWORK", "secret/work+x==", "tok=en", "r",
            ])
        // An explicit profile wins over environment keys (botocore behaviour); AWS_PROFILE does not.
        let envKeys = ["AWS_ACCESS_KEY_ID": "E", "AWS_SECRET_ACCESS_KEY": "S"]
        #expect(try resolve(home.merging(envKeys) { a, _ in a }, "work")[0] == "AKIDWORK")
        #expect(
            try resolve(home.merging(envKeys) { a, _ in a }.merging(["AWS_PROFILE": "work"]) { a, _ in a })[0] == "E")
        #expect(try resolve(home, "half") == ["AKIDHALF", "fromconfig", nil, nil])
        let explicitFiles = ["AWS_SHARED_CREDENTIALS_FILE": credentials.path, "AWS_CONFIG_FILE": config.path]
        #expect(try resolve(explicitFiles.merging(["HOME": "/nonexistent"]) { a, _ in a }, "work")[0] == "AKIDWORK")
        #expect(
            try resolve(home.merging(["AWS_SHARED_CREDENTIALS_FILE": "~/.aws/credentials"]) { a, _ in a })[0]
                == "AKIDDEFAULT")

        #expect(resolveError(home, "sso")?.message.contains("sso_session") == true)
        #expect(resolveError(home, "missing")?.message.contains("'missing' was not found") == true)
        #expect(
            resolveError(home.merging(["AWS_CONFIG_FILE": "/nonexistent"]) { a, _ in a }, "half")?.message.contains(
                "no aws_access_key_id") == true)
    }

    @Test func credentialsErrorsSayWhatToSet() {
        for env in [
            [:], ["HOME": "/nonexistent"], ["AWS_ACCESS_KEY_ID": "x"], ["AWS_SECRET_ACCESS_KEY": "SECRETVALUE"],
        ] {
            let e = resolveError(env, nil)
            #expect(e?.kind == .notConfigured && e?.provider == "bedrock")
            #expect(
                e?.message.contains("AWS_SECRET_ACCESS_KEY") == true && e?.message.contains("AWS_ACCESS_KEY_ID") == true
            )
            #expect(e?.message.contains("SECRETVALUE") == false)
        }
    }

    // MARK: Event stream

    @Test func crc32CheckValue() { #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926) }

    static let vectorFiles =
        ((try? FileManager.default.contentsOfDirectory(
            atPath: Fixture.root.appendingPathComponent("bedrock/eventstream-vectors").path)) ?? []).filter {
            $0.hasSuffix(".eventstream")
        }.sorted()

    /// botocore's hand-made vectors: the 9 valid ones decode to the listed headers and payload, whole and split at
    /// every byte; the 6 invalid ones throw, whole and fed byte by byte.
    @Test(arguments: vectorFiles)
    func eventStreamVector(_ file: String) throws {
        let v = try #require(Fixture.json("bedrock/eventstream-vectors/vectors.json")[file])
        let b = Fixture.bytes("bedrock/eventstream-vectors/\(file)")
        if let expected = v["expect_error"]?.stringValue {
            #expect(throws: AWSEventStreamError.self, "\(expected)") { try decodeStream(b) }
            #expect(throws: AWSEventStreamError.self, "\(expected)") {
                try decodeStream(b, pieces: Array(repeating: 1, count: b.count))
            }
            return
        }
        let messages = try decodeStream(b)
        let m = try #require(messages.first)
        #expect(messages.count == 1)
        #expect(m.payload == Array((v["payload_utf8"]?.stringValue ?? "").utf8))
        let want = v["headers"]?.objectValue ?? []
        #expect(m.headers.map(\.0) == want.map(\.key))
        for (name, value) in m.headers {
            let w = want.first { $0.key == name }?.value
            switch value {
            case .bool(let x): #expect(w?.boolValue == x, "\(name)")
            case .byte(let x): #expect(w?.intValue == Int(x), "\(name)")
            case .int16(let x): #expect(w?.intValue == Int(x), "\(name)")
            case .int32(let x): #expect(w?.intValue == Int(x), "\(name)")
            case .int64(let x), .timestamp(let x): #expect(w?.intValue == Int(x), "\(name)")
            case .bytes(let x), .uuid(let x): #expect(w?.stringValue == hex(x), "\(name)")
            case .string(let x): #expect(w?.stringValue == x, "\(name)")
            }
        }
        for cut in 0...b.count { #expect(try same(decodeStream(b, pieces: [cut]), messages), "split at \(cut)") }
        #expect(try same(decodeStream(b, pieces: Array(repeating: 1, count: b.count)), messages))
    }

    @Test func eventStreamAllHeaderTypes() throws {
        let m = try #require(
            try decodeStream(Fixture.bytes("bedrock/eventstream-vectors/all-headers-types.eventstream")).first)
        #expect(m.header("8") == .timestamp(8) && m.header("2") == .byte(2) && m.header("0") == .bool(true))
        #expect(m.header("9") == .uuid(Array("0123456789abcdef".utf8)) && m.header("6") == .bytes(Array("bytes".utf8)))
        #expect(m.string("7") == "utf8" && m.string("6") == nil && m.string("missing") == nil)
    }

    static let streamFiles =
        ((try? FileManager.default.contentsOfDirectory(
            atPath: Fixture.root.appendingPathComponent("bedrock").path)) ?? []).filter { $0.hasSuffix(".eventstream") }
        .sorted()

    /// Every recorded Bedrock stream decodes whole and identically when split in random 1-7 byte pieces.
    @Test(arguments: streamFiles)
    func recordedStreamWholeAndSplit(_ file: String) throws {
        let b = Fixture.bytes("bedrock/\(file)")
        let whole = try decodeStream(b)
        #expect(!whole.isEmpty)
        for m in whole {
            let type = m.string(":message-type")
            #expect(type == "event" || type == "exception")
            #expect(type == "event" ? m.string(":event-type") != nil : m.string(":exception-type") != nil)
        }
        if file.hasPrefix("invoke-") { #expect(whole.allSatisfy { $0.string(":event-type") == "chunk" }) }
        if file == "text-stream.eventstream" {
            #expect(whole.compactMap { $0.string(":event-type") }.first == "messageStart")
            #expect(whole.compactMap { $0.string(":event-type") }.last == "metadata")
        }
        for seed in UInt64(1)...64 {
            var rng = SplitMix64(seed: seed)
            var sizes: [Int] = []
            var left = b.count
            while left > 0 {
                sizes.append(min(left, Int(rng.next() % 7) + 1))
                left -= sizes[sizes.count - 1]
            }
            #expect(try same(decodeStream(b, pieces: sizes), whole), "\(file) split with SplitMix64 seed \(seed)")
        }
    }

    @Test func eventStreamErrors() throws {
        #expect(errorKind(frame(headers: [1, 0x61, 10])) == .unknownHeaderType)
        #expect(errorKind(frame(headers: [5, 0x61])) == .malformedHeader)
        #expect(errorKind(frame(headers: [1, 0x61, 0, 1, 0x61, 1])) == .duplicateHeader)
        #expect(errorKind(frame(total: 15)) == .badLength)
        #expect(errorKind(Array(frame(total: 16 * 1024 * 1024 + 1).prefix(12))) == .badLength)
        #expect(errorKind(Array(frame(payload: [1, 2, 3]).dropLast())) == .truncated)
        #expect(errorKind([0, 0, 0]) == .truncated)
        struct Boom: Error {}
        var d = AWSEventStreamDecoder()
        let two = frame(payload: [1]) + frame(payload: [2])
        var seen = 0
        let e = #expect(throws: AWSEventStreamError.self) {
            try feedStream(&d, two[...]) { _ in
                seen += 1; throw Boom()
            }
        }
        #expect(e?.kind == .handler && e?.underlying is Boom && seen == 1)
        #expect(throws: AWSEventStreamError.self) { try feedStream(&d, [][...]) { _ in } }
    }
}

// MARK: Helpers

private func unhex(_ s: String) -> [UInt8] {
    let c = Array(s.utf8)
    return stride(from: 0, to: c.count - 1, by: 2).compactMap {
        UInt8(String(decoding: c[$0...$0 + 1], as: UTF8.self), radix: 16)
    }
}

/// The kind of error decoding `b` throws, if any.
private func errorKind(_ b: [UInt8]) -> AWSEventStreamError.Kind? {
    switch Result(catching: { () throws(AWSEventStreamError) in try decodeStream(b) }) {
    case .success: nil
    case .failure(let e): e.kind
    }
}

private func resolveError(_ env: [String: String], _ profile: String?) -> LLMError? {
    do {
        _ = try AWSCredentials.resolve(environment: env, profile: profile)
        return nil
    } catch { return error }
}

/// Feeds `bytes` (Array.withUnsafeBytes is `rethrows`, so the typed error goes through a Result).
private func feedStream(
    _ d: inout AWSEventStreamDecoder, _ bytes: ArraySlice<UInt8>, _ onMessage: (AWSEventStreamMessage) throws -> Void
) throws(AWSEventStreamError) {
    let r: Result<Void, AWSEventStreamError> = bytes.withUnsafeBytes { p in
        do throws(AWSEventStreamError) { try d.feed(p, onMessage) } catch { return .failure(error) }
        return .success(())
    }
    try r.get()
}

/// Decodes `b` fed in pieces of the given sizes (the rest in one piece), then `finish()`.
private func decodeStream(_ b: [UInt8], pieces: [Int] = []) throws(AWSEventStreamError) -> [AWSEventStreamMessage] {
    var d = AWSEventStreamDecoder()
    var out: [AWSEventStreamMessage] = []
    var i = 0
    for n in pieces + [b.count] where i < b.count || n == 0 {
        let end = min(b.count, i + n)
        try feedStream(&d, b[i..<end]) { out.append($0) }
        i = end
    }
    try d.finish()
    return out
}

private func same(_ a: [AWSEventStreamMessage], _ b: [AWSEventStreamMessage]) -> Bool {
    a.count == b.count
        && zip(a, b).allSatisfy { x, y in
            x.payload == y.payload && x.headers.map(\.0) == y.headers.map(\.0)
                && x.headers.map(\.1) == y.headers.map(\.1)
        }
}

/// A frame with correct CRCs (lengths overridable to build bad frames).
private func frame(headers: [UInt8] = [], payload: [UInt8] = [], total: Int? = nil) -> [UInt8] {
    let t = total ?? 16 + headers.count + payload.count
    func be(_ v: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
    var f = be(t) + be(headers.count)
    f += be(Int(CRC32.checksum(f)))
    f += headers + payload
    return f + be(Int(CRC32.checksum(f)))
}
