import Foundation
import LLMKitCore
import LLMKitTesting
import Testing

/// Runs the built `llmkit` binary as a subprocess with a controlled environment.
enum CLI {
    /// What one run produced.
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Stdout parsed as one JSON value.
        func json() throws -> JSONValue { try JSONValue(parsing: stdout) }

        /// The `{"error": {...}}` object printed on stderr.
        func error() throws -> JSONValue {
            let lines = stderr.split(separator: "\n")
            try #require(lines.count == 1, "expected one error line on stderr, got: \(stderr)")
            return try #require(try JSONValue(parsing: String(lines[0]))["error"])
        }
    }

    /// A fake key that must never show up in output.
    static let secret = "sk-test-SECRET1234"

    /// The environment every run starts from: no keys, no base URLs.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path, "LANG": "C.UTF-8"]
        env.merge(extra) { $1 }
        return env
    }

    /// Runs `llmkit arguments...`; stdin is `stdin` or empty (never a terminal).
    static func run(
        _ arguments: [String], environment: [String: String] = CLI.environment(), stdin: String? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> Result {
        let dir = try TempDir()
        let outURL = dir.url.appendingPathComponent("stdout")
        let errURL = dir.url.appendingPathComponent("stderr")
        let inURL = dir.url.appendingPathComponent("stdin")
        for url in [outURL, errURL] { try Data().write(to: url) }
        try Data((stdin ?? "").utf8).write(to: inURL)

        let status = try await spawn(
            try binary().path, arguments: arguments, environment: environment, stdin: inURL.path,
            stdout: outURL.path, stderr: errURL.path, timeout: timeout)
        let out = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let err = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        return Result(status: status, stdout: out, stderr: err)
    }

    /// Runs `path` with posix_spawn (stdin/stdout/stderr from and to files, every other descriptor closed in
    /// the child) and waits for it on a thread of its own. Not Foundation's `Process`: its run loop watches
    /// descriptors with select(), which overflows once a parallel test run holds more than 1024 descriptors
    /// (seen as crashes in `Process.run()` and a hung run).
    static func spawn(
        _ path: String, arguments: [String], environment: [String: String], stdin: String, stdout: String,
        stderr: String, timeout: Duration
    ) async throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_TRUNC, 0o644)
        // glibc >= 2.34 (not in the Glibc module map): close every other descriptor in the child, so it
        // holds no copy of the tests' sockets (a test that closes a connection must see it closed).
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let closeFrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw POSIXError(.ENOSYS)
        }
        _ = unsafeBitCast(closeFrom, to: AddCloseFrom.self)(&actions, 3)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        let child = pid
        let killer = Task {
            try await Task.sleep(for: timeout)
            Issue.record("llmkit \(arguments) did not finish within \(timeout); killing pid \(child)")
            kill(child, SIGKILL)
        }
        defer { killer.cancel() }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(child, &status, 0) < 0, errno == EINTR {}
                // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
                let signal = status & 0x7f
                continuation.resume(returning: signal == 0 ? (status >> 8) & 0xff : 128 + signal)
            }
        }
    }

    /// The `llmkit` executable: `LLMKIT_BINARY`, else next to the test bundle (the products
    /// directory is the one holding the `.xctest` bundle), else `.build/debug/llmkit` under the package.
    static func binary() throws -> URL {
        let fm = FileManager.default
        func isBinary(_ url: URL) -> Bool {
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && fm.isExecutableFile(atPath: url.path)
        }
        if let override = ProcessInfo.processInfo.environment["LLMKIT_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        var starts: [URL] = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { starts.append(executable) }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL)
        for start in starts {
            var dir = start.resolvingSymlinksInPath()
            for _ in 0..<6 {
                let candidate = dir.appendingPathComponent("llmkit")
                if dir.lastPathComponent != "Sources", isBinary(candidate) { return candidate }
                dir = dir.deletingLastPathComponent()
            }
        }
        let fallback = packageRoot.appendingPathComponent(".build/debug/llmkit")
        try #require(isBinary(fallback), "cannot find the llmkit binary; build it with `swift build --product llmkit`")
        return fallback
    }

    /// The package's root directory.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// Recorded provider answers from `Tests/LLMKitTests/Fixtures`.
enum Fixture {
    static let directory = CLI.packageRoot.appendingPathComponent("Tests/LLMKitTests/Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func json(_ name: String) throws -> JSONValue { try JSONValue(parsing: try bytes(name)) }

    /// A JSON answer with `status`.
    static func response(_ name: String, status: Int = 200) throws -> CannedResponse {
        CannedResponse(status: status, headers: [("content-type", "application/json")], body: try bytes(name))
    }

    /// An SSE answer delivered in small random pieces.
    static func sse(_ name: String) throws -> CannedResponse {
        CannedResponse(
            headers: [("content-type", "text/event-stream")], body: try bytes(name), delivery: .randomSplits(seed: 7))
    }
}

/// A temporary directory removed when the value is released.
final class TempDir: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("llmkit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

extension JSONValue {
    /// The keys of an object, in order.
    var keys: [String] { objectValue?.map(\.key) ?? [] }
}
