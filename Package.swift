// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "LLMKit",
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .library(name: "LLMKitCore", targets: ["LLMKitCore"]),
        .library(name: "LLMKit", targets: ["LLMKit"]),
        .library(name: "LLMKitGoogleAuth", targets: ["LLMKitGoogleAuth"]),
        .library(name: "LLMKitTesting", targets: ["LLMKitTesting"]),
        .executable(name: "llmkit", targets: ["llmkit"]),
        .executable(name: "llmkit-bench", targets: ["llmkit-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // TLS for WebSocket sessions (wss://: realtime voice, live transcription, streamed speech input).
        // Already in the graph through AsyncHTTPClient.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // RS256 signing of the Vertex AI service-account JWT (_CryptoExtras RSA), in LLMKitGoogleAuth only.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .target(name: "LLMKitCore", swiftSettings: swiftSettings),
        .target(
            name: "LLMKit",
            dependencies: [
                "LLMKitCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: [
                "Registry/models.json", "Registry/MODELS-SOURCES.md",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LLMKitGoogleAuth",
            dependencies: [
                "LLMKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LLMKitTesting",
            dependencies: [
                "LLMKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "llmkit",
            dependencies: [
                "LLMKit", "LLMKitGoogleAuth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "llmkit-bench", dependencies: ["LLMKit"], swiftSettings: swiftSettings),
        .testTarget(name: "LLMKitCoreTests", dependencies: ["LLMKitCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LLMKitTests",
            dependencies: [
                "LLMKit", "LLMKitTesting", "LLMKitGoogleAuth",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CLITests", dependencies: ["LLMKitTesting"], swiftSettings: swiftSettings),
    ]
)
