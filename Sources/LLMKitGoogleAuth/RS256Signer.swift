import Crypto
import LLMKit
import _CryptoExtras

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// RS256 signing of Google service-account JWTs with swift-crypto.
///
/// ```swift
/// import LLMKit
/// import LLMKitGoogleAuth
/// let llm = LLMKit(serviceAccountSigner: RS256Signer())   // GOOGLE_APPLICATION_CREDENTIALS now works
/// ```
///
/// A separate module so that the core library carries no cryptography package.
public struct RS256Signer: ServiceAccountSigner {
    public init() {}

    public func signRS256(_ message: [UInt8], privateKeyPEM: String) throws -> [UInt8] {
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        let signature = try key.signature(for: Data(message), padding: .insecurePKCS1v1_5)
        return Array(signature.rawRepresentation)
    }
}
