import LLMKitCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// AWS access key, secret and optional session token. `description` never shows the secret or the token.
package struct AWSCredentials: Sendable, CustomStringConvertible {
    package var accessKeyID: String
    package var secretAccessKey: String
    /// Present for temporary credentials (STS, SSO exports); sent as `x-amz-security-token`.
    package var sessionToken: String?

    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    package var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: …, sessionToken: \(sessionToken == nil ? "none" : "…"))"
    }

    /// Finds credentials and region the way the AWS CLI does (static credentials only).
    ///
    /// Credentials: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` first (unless `profile`
    /// is passed explicitly, which, as in botocore, selects that profile over the environment); otherwise the
    /// profile `profile ?? AWS_PROFILE ?? "default"` from the shared credentials file
    /// (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`, sections `[name]`) and the config file
    /// (`AWS_CONFIG_FILE`, default `~/.aws/config`, sections `[profile name]` or `[default]`); the
    /// credentials file wins key by key.
    ///
    /// Region: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region` (config file first).
    /// SSO, `credential_process`, `role_arn` and instance metadata are not supported; the error says so.
    package static func resolve(
        environment env: [String: String], profile: String?
    ) throws(LLMError) -> (AWSCredentials, region: String?) {
        func value(_ name: String) -> String? {
            guard let v = env[name]?.trimmingSpaces, !v.isEmpty else { return nil }
            return v
        }
        let envRegion = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION")
        let explicitProfile = profile.flatMap { $0.isEmpty ? nil : $0 }

        if explicitProfile == nil, let id = value("AWS_ACCESS_KEY_ID") {
            guard let secret = value("AWS_SECRET_ACCESS_KEY") else {
                throw LLMError(
                    .notConfigured, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both",
                    provider: "bedrock")
            }
            return (
                AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN")),
                envRegion
            )
        }
        if explicitProfile == nil, value("AWS_SECRET_ACCESS_KEY") != nil {
            throw LLMError(
                .notConfigured, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: set both",
                provider: "bedrock")
        }

        let name = explicitProfile ?? value("AWS_PROFILE") ?? "default"
        let home = value("HOME")
        func path(_ variable: String, _ fallback: String) -> String? {
            guard let p = value(variable) ?? home.map({ $0 + "/.aws/" + fallback }) else { return nil }
            if p.hasPrefix("~/"), let home { return home + p.dropFirst() }
            return p
        }
        let credentialsPath = path("AWS_SHARED_CREDENTIALS_FILE", "credentials")
        let configPath = path("AWS_CONFIG_FILE", "config")
        let credentialsFile = credentialsPath.flatMap(readINI)
        let configFile = configPath.flatMap(readINI)

        let fromCredentials = credentialsFile?[name]
        let fromConfig =
            configFile?[name == "default" ? "default" : "profile " + name] ?? configFile?["profile " + name]
        var merged = fromConfig ?? [:]
        for (k, v) in fromCredentials ?? [:] { merged[k] = v }
        let region = envRegion ?? nonEmpty(fromConfig?["region"]) ?? nonEmpty(fromCredentials?["region"])

        let files =
            [credentialsPath, configPath].compactMap { $0 }.joined(separator: " and ")
        let fix =
            "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary credentials), or add aws_access_key_id and aws_secret_access_key to a profile in ~/.aws/credentials (choose it with AWS_PROFILE; other files with AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE)"
        if fromCredentials == nil && fromConfig == nil {
            if name == "default" && explicitProfile == nil && value("AWS_PROFILE") == nil {
                throw LLMError(.notConfigured, "Bedrock needs AWS credentials: \(fix)", provider: "bedrock")
            }
            throw LLMError(
                .notConfigured,
                "AWS profile '\(name)' was not found in \(files.isEmpty ? "any file (HOME is not set)" : files): \(fix)",
                provider: "bedrock")
        }
        guard let id = nonEmpty(merged["aws_access_key_id"]), let secret = nonEmpty(merged["aws_secret_access_key"])
        else {
            if let kind = ["sso_session", "sso_start_url", "credential_process", "role_arn", "web_identity_token_file"]
                .first(where: { merged[$0] != nil })
            {
                throw LLMError(
                    .notConfigured,
                    "AWS profile '\(name)' uses \(kind), which LLMKit does not support; export static credentials, e.g. `eval \"$(aws configure export-credentials --profile \(name) --format env)\"`, or \(fix)",
                    provider: "bedrock")
            }
            throw LLMError(
                .notConfigured,
                "AWS profile '\(name)' has no aws_access_key_id and aws_secret_access_key (\(files)): \(fix)",
                provider: "bedrock")
        }
        return (
            AWSCredentials(
                accessKeyID: id, secretAccessKey: secret, sessionToken: nonEmpty(merged["aws_session_token"])),
            region
        )
    }

    /// Parses an INI file: `[section]` headers, `key = value` lines (keys lowercased, whitespace around `=` and
    /// the value trimmed), full-line `#` and `;` comments. Later sections and keys of the same name win.
    package static func parseINI(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        let lines = text.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for rawLine in lines {
            var line = String(rawLine).trimmingSpaces
            if line.hasPrefix("\u{FEFF}") { line = String(line.dropFirst()).trimmingSpaces }
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.lastIndex(of: "]") else { current = nil; continue }
                let name = String(line[line.index(after: line.startIndex)..<close]).trimmingSpaces
                let words = name.split(whereSeparator: { $0 == " " || $0 == "\t" })
                let normalized = words.count == 2 && words[0] == "profile" ? "profile " + words[1] : name
                current = normalized
                if sections[normalized] == nil { sections[normalized] = [:] }
                continue
            }
            guard let section = current, let eq = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<eq]).trimmingSpaces.lowercased()
            let value = String(line[line.index(after: eq)...]).trimmingSpaces
            if !key.isEmpty { sections[section, default: [:]][key] = value }
        }
        return sections
    }

    private static func readINI(_ path: String) -> [String: [String: String]]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return parseINI(String(decoding: data, as: UTF8.self))
    }

    private static func nonEmpty(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        return s
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line ends.
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
