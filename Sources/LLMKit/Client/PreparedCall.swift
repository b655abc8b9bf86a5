import AsyncHTTPClient
import LLMKitCore
import NIOHTTP1

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A resolved provider: base URL, credentials and dialect.
package struct Endpoint: Sendable {
    package var info: ProviderInfo
    package var baseURL: String
    package var apiKey: String?
    package var headers: [(String, String)]
    package var auth: Auth

    package enum Auth: Sendable {
        case none
        case bearer
        case header(String)
        case vertex(VertexCredentials)
        case sigV4(SigV4)
        case token
    }

    /// The variable a user sets to fix an authentication failure.
    package var keyVariable: String? { info.keyVariables.first }
}

/// Everything needed to send one call (and re-send it on retry).
package struct PreparedCall: Sendable {
    package var endpoint: Endpoint
    package var dialect: any ChatDialect
    package var context: CallContext
    package var url: String
    package var headers: HTTPHeaders
    package var body: [UInt8]
    /// The registry entry of the requested model, if LLMKit knows it.
    package var model: ModelInfo?
    package var registry: ModelRegistry
    package var method: HTTPMethod = .POST
    /// Called as the body is written (long uploads: audio for transcription).
    package var uploadProgress: (@Sendable (UploadProgress) -> Void)?

    package func send(_ transport: HTTPTransport) async throws(LLMError) -> HTTPResponse {
        var headers = self.headers
        switch endpoint.auth {
        case .vertex(let credentials):
            headers.replaceOrAdd(name: "authorization", value: "Bearer " + (try await credentials.token(transport)))
        case .sigV4(let signer):
            // Signed per attempt: the signature covers the time.
            let (host, path, query) = Self.split(url)
            var signed = [("host", host)]
            for name in ["content-type", "accept"] {
                if let v = headers.first(name: name) { signed.append((name, v)) }
            }
            let s = signer.sign(
                method: "POST", path: path, query: query, headers: signed, body: body, date: SigV4.timestamp())
            for (k, v) in s.headers { headers.replaceOrAdd(name: k, value: v) }
        default:
            break
        }
        return try await transport.send(
            url: url, method: method, headers: headers, body: body, provider: endpoint.info.id,
            progress: uploadProgress)
    }

    /// Host (with port), path and query items of an absolute URL.
    static func split(_ url: String) -> (String, String, [(String, String)]) {
        var rest = Substring(url)
        if let r = rest.firstRange(of: "://") { rest = rest[r.upperBound...] }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let host = String(rest[..<slash])
        let pathAndQuery = rest[slash...]
        let q = pathAndQuery.firstIndex(of: "?")
        let path = String(pathAndQuery[..<(q ?? pathAndQuery.endIndex)])
        var items: [(String, String)] = []
        if let q {
            for pair in pathAndQuery[pathAndQuery.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                items.append((String(kv[0]), kv.count > 1 ? String(kv[1]) : ""))
            }
        }
        return (host, path.isEmpty ? "/" : path, items)
    }

    package func mapError(status: Int, headers: HTTPHeaders, body: [UInt8]) -> LLMError {
        var e = dialect.mapError(status: status, headers: headers, body: body, context: context)
        if let key = endpoint.apiKey, !key.isEmpty {
            e.message = e.message.replacing(key, with: LLMError.redact(key))
            e.body = e.body?.replacing(key, with: LLMError.redact(key))
        }
        return e
    }

    /// Cost of `usage` in US dollars: the requested model's price, else the price of the model
    /// the provider reports (`reported`); nil when neither is known.
    package func cost(_ usage: Usage?, reported: String? = nil) -> Double? {
        guard let usage else { return nil }
        if let c = model?.price?.cost(of: usage) { return c }
        guard let reported else { return nil }
        return registry.cost(of: usage, model: endpoint.info.id + "/" + reported)
    }
}

extension LLMKit {
    /// The provider named `id`: one added in code wins over a built-in one.
    package func providerInfo(_ id: String) -> ProviderInfo? {
        additionalProviders.first { $0.id == id } ?? ProviderInfo.named(id)
    }

    /// The resolved settings of a provider.
    package func endpoint(_ id: String) throws(LLMError) -> Endpoint {
        guard let info = providerInfo(id) else {
            let known = (ProviderInfo.builtIn + additionalProviders).map(\.id).joined(separator: ", ")
            throw LLMError(
                .notConfigured,
                "unknown provider '\(id)'; known providers: \(known). Add your own OpenAI-compatible one with ProviderInfo.openAICompatible(id:baseURL:keyVariable:)",
                provider: id)
        }
        let s = settings[id]
        func env(_ name: String) -> String? {
            guard let v = environment[name]?.trimmedWhitespace, !v.isEmpty else {
                return nil
            }
            return v
        }
        let key = s?.apiKey ?? info.keyVariables.lazy.compactMap(env).first
        var base = s?.baseURL ?? env(info.baseURLVariable) ?? info.defaultBaseURL
        if s?.baseURL == nil, env(info.baseURLVariable) == nil,
            let region = s?.region ?? info.regionVariable.flatMap(env)
        {
            guard let url = info.regions[region.lowercased()] else {
                let known = info.regions.keys.sorted().joined(separator: ", ")
                throw LLMError(
                    .notConfigured,
                    "unknown region '\(region)' for \(info.displayName); known regions: \(known.isEmpty ? "none" : known)",
                    provider: id)
            }
            base = url
        }
        while base.hasSuffix("/") { base.removeLast() }
        var auth: Endpoint.Auth
        switch info.auth {
        case .bearer: auth = .bearer
        case .header(let name): auth = .header(name)
        case .optionalBearer: auth = key == nil ? .none : .bearer
        case .token: auth = .token
        }
        if info.wire == .azure, s?.apiKey == nil, env("AZURE_OPENAI_API_KEY") == nil, key != nil {
            auth = .bearer  // AZURE_OPENAI_AD_TOKEN: an Entra ID token
        }
        if info.wire == .bedrock {
            if key == nil {
                let (credentials, region) = try AWSCredentials.resolve(environment: environment, profile: nil)
                guard let region else {
                    throw LLMError(
                        .notConfigured, "no AWS region for Bedrock: set AWS_REGION (e.g. us-east-1)", provider: id)
                }
                auth = .sigV4(SigV4(credentials: credentials, region: region, service: "bedrock"))
                if s?.baseURL == nil, env(info.baseURLVariable) == nil {
                    base = "https://bedrock-runtime.\(region).amazonaws.com"
                }
            } else {
                auth = .bearer
                if s?.baseURL == nil, env(info.baseURLVariable) == nil {
                    guard let region = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") else {
                        throw LLMError(
                            .notConfigured, "no AWS region for Bedrock: set AWS_REGION (e.g. us-east-1)", provider: id)
                    }
                    base = "https://bedrock-runtime.\(region).amazonaws.com"
                }
            }
        }
        if base.isEmpty {
            throw LLMError(
                .notConfigured, "no base URL for \(info.displayName): set \(info.baseURLVariable) (\(info.setupHint))",
                provider: id)
        }
        if info.wire == .vertex || info.wire == .vertexAnthropic || info.wire == .vertexEndpoint {
            let credentials = try VertexCredentials.resolve(
                token: key, environment: environment, caches: vertexTokens, signer: serviceAccountSigner)
            auth = .vertex(credentials)
            if s?.baseURL == nil, env(info.baseURLVariable) == nil {
                base =
                    credentials.location == "global"
                    ? "https://aiplatform.googleapis.com"
                    : "https://\(credentials.location)-aiplatform.googleapis.com"
            }
        } else if info.requiresKey, key == nil {
            throw LLMError(
                .notConfigured,
                "no API key for \(info.displayName): set \(info.keyVariables.joined(separator: " or ")) (\(info.setupHint))",
                provider: id)
        }
        return Endpoint(info: info, baseURL: base, apiKey: key, headers: s?.headers ?? [], auth: auth)
    }

    /// The dialect for `provider` and `model`, and the reasoning family it belongs to.
    package func dialect(for endpoint: Endpoint, model: String, request: ChatRequest) -> (any ChatDialect, String) {
        switch endpoint.info.wire {
        case .openAI:
            let useResponses = request.api.map { $0 == .responses } ?? OpenAIModels.prefersResponses(model)
            return useResponses ? (OpenAIResponsesDialect(), "openai") : (OpenAIChatDialect(quirks: .openAI), "openai")
        case .anthropic: return (AnthropicDialect(), "anthropic")
        case .cohere: return (CohereDialect(), "cohere")
        case .gemini: return (GeminiDialect(vertex: nil), "google")
        case .vertex:
            if case .vertex(let c) = endpoint.auth {
                return (GeminiDialect(vertex: (c.project, c.location)), "google")
            }
            return (GeminiDialect(vertex: nil), "google")
        case .openAICompatible(let quirks): return (OpenAIChatDialect(quirks: quirks), endpoint.info.id)
        case .bedrock: return (BedrockDialect(), "bedrock")
        case .replicate, .deepgram, .elevenlabs, .fal, .runware, .luma, .assemblyAI, .stability:
            return (OpenAIChatDialect(quirks: CompatibleQuirks()), "replicate")  // no chat: refused earlier
        case .vertexEndpoint:
            guard case .vertex(let c) = endpoint.auth else {
                return (OpenAIChatDialect(quirks: .init()), "vertex-endpoint")
            }
            var quirks = CompatibleQuirks(thinkTags: true, reasoningControl: .none)
            quirks.path =
                "/v1beta1/projects/\(c.project)/locations/\(c.location)/endpoints/\(model.addingPercentEncodingForPath)/chat/completions"
            return (VertexEndpointDialect(inner: OpenAIChatDialect(quirks: quirks)), "vertex-endpoint")
        case .vertexAnthropic:
            guard case .vertex(let c) = endpoint.auth else { return (AnthropicDialect(), "anthropic") }
            return (VertexAnthropicDialect(project: c.project, location: c.location), "anthropic")
        case .azure:
            // The v1 API (GA since 2025-08) needs no api-version; setting one selects the per-deployment URL.
            let version = environment["AZURE_OPENAI_API_VERSION"]?.trimmedWhitespace ?? ""
            let useResponses = request.api.map { $0 == .responses } ?? OpenAIModels.prefersResponses(model)
            var chat = CompatibleQuirks.openAI
            if version.isEmpty {
                chat.path = "/openai/v1/chat/completions"
                if useResponses { return (OpenAIResponsesDialect(path: "/openai/v1/responses"), "openai") }
            } else {
                let deployment = model.addingPercentEncodingForPath
                chat.path = "/openai/deployments/\(deployment)/chat/completions?api-version=\(version)"
                if useResponses {
                    return (OpenAIResponsesDialect(path: "/openai/responses?api-version=\(version)"), "openai")
                }
            }
            return (OpenAIChatDialect(quirks: chat), "openai")
        }
    }

    package func prepare(_ request: ChatRequest, stream: Bool) throws(LLMError) -> PreparedCall {
        let id = try ModelID(parsing: request.model)
        let endpoint = try endpoint(id.provider)
        guard endpoint.info.offersChat else {
            throw LLMError(
                .unsupported, "\(endpoint.info.displayName) offers embeddings only; use LLMKit.embed or `llmkit embed`",
                provider: id.provider)
        }
        let (dialect, family) = dialect(for: endpoint, model: id.model, request: request)
        var context = CallContext(
            provider: id.provider, family: family, model: id.model, warnings: [],
            keyVariable: endpoint.info.keyVariables.first)
        let info = registry.model(request.model)
        var history = request
        history.messages = HandBack.strip(request.messages, for: family, warnings: &context.warnings)
        try CapabilityPolicy.apply(info, to: &history, warnings: &context.warnings)
        var wire = try dialect.makeRequest(history, context: context, stream: stream)
        context.warnings += wire.warnings
        if !request.extraBody.isEmpty {
            for (k, v) in request.extraBody { wire.body = wire.body.setting(k, v) }
        }
        let headers = Self.headers(
            endpoint, wire: wire,
            accept: !stream
                ? "application/json"
                : dialect.framing == .awsEventStream ? "application/vnd.amazon.eventstream" : "text/event-stream")
        return PreparedCall(
            endpoint: endpoint, dialect: dialect, context: context, url: endpoint.baseURL + wire.path,
            headers: headers, body: JSONWriter.bytes(wire.body), model: info, registry: registry)
    }
}

extension LLMKit {
    /// A call that is not a chat (embeddings, rerank, images, jobs, transcription): the endpoint's
    /// auth and headers, `body` as given with `contentType`, errors mapped by `errors` (the shared mapping
    /// unless the provider's dialect knows more).
    func plainCall(
        _ endpoint: Endpoint, model: String, path: String, method: HTTPMethod = .POST, body: [UInt8],
        contentType: String = "application/json",
        errors: any ChatDialect = OpenAIChatDialect(quirks: CompatibleQuirks())
    ) -> PreparedCall {
        var headers = Self.headers(endpoint, wire: WireRequest(path: path, body: .null), accept: "application/json")
        headers.replaceOrAdd(name: "content-type", value: contentType)
        var call = PreparedCall(
            endpoint: endpoint, dialect: errors,
            context: CallContext(
                provider: endpoint.info.id, family: endpoint.info.id, model: model, warnings: [],
                keyVariable: endpoint.info.keyVariables.first),
            url: endpoint.baseURL + path, headers: headers, body: body, model: nil, registry: registry)
        call.method = method
        return call
    }

    /// The error for a capability `endpoint`'s provider does not offer in LLMKit, naming what to use instead.
    func unsupported(_ endpoint: Endpoint, _ what: String, use: String) -> LLMError {
        LLMError(
            .unsupported, "\(endpoint.info.displayName) has no \(what) API in LLMKit yet; use \(use)",
            provider: endpoint.info.id)
    }

    /// The headers of a JSON request to `endpoint`: content type, accept, user agent, the key, then
    /// the dialect's and the user's own headers.
    static func headers(_ endpoint: Endpoint, wire: WireRequest, accept: String) -> HTTPHeaders {
        // The fixed names are ASCII literals: built as one array (`HTTPHeaders.add` checks each name).
        var fixed: [(String, String)] = []
        fixed.reserveCapacity(6 + wire.headers.count + endpoint.headers.count)
        fixed.append(("content-type", "application/json"))
        fixed.append(("accept", accept))
        fixed.append(("user-agent", userAgent))
        switch endpoint.auth {
        case .none, .vertex, .sigV4, .header: break
        case .bearer: fixed.append(("authorization", "Bearer " + (endpoint.apiKey ?? "")))
        case .token: fixed.append(("authorization", "Token " + (endpoint.apiKey ?? "")))
        }
        var headers = HTTPHeaders(fixed)
        if case .header(let name) = endpoint.auth { headers.add(name: name, value: endpoint.apiKey ?? "") }
        for (k, v) in wire.headers { headers.replaceOrAdd(name: k, value: v) }
        for (k, v) in endpoint.headers { headers.replaceOrAdd(name: k, value: v) }
        return headers
    }
}

private let userAgent = "llmkit-swift/\(LLMKitVersion.string)"

/// The library version, sent in `user-agent`.
public enum LLMKitVersion {
    public static let string = "0.1.0"
}
