import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore

/// `llmkit job ID`: the status of a submitted job, or (with --wait) its progress until it ends.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Show or wait for a submitted generation job (e.g. replicate:abc123).",
        discussion: """
            Without --wait, prints the job's status once. With --wait, polls (backing off from \
            0.5 s to 5 s) with a progress line on stderr until the job ends; a failed or canceled \
            job is an error (exit 1). --json prints the final status as one object.
            """
    )

    @Argument(help: "The job id, provider:id.")
    var id: String

    @Flag(help: "Wait until the job ends.")
    var wait = false

    @Option(help: "With --wait: give up after this many seconds (the job keeps running).")
    var timeout: Double = 600

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        do {
            let job = try LLMKit(environment: environment).job(id: id)
            var status = try await job.status()
            func show(_ s: JobStatus) {
                let percent = s.progress.map { " \(Int($0 * 100))%" } ?? ""
                Output.err("\r[\(s.state.rawValue)]\(percent)   ")
            }
            if wait, !status.state.isTerminal {
                show(status)
                for try await s in job.updates(timeout: .milliseconds(Int(timeout * 1000))) {
                    status = s
                    show(s)
                }
                Output.errLine("")
            }
            if json {
                let data = try JSONEncoder.sorted.encode(status)
                Output.outLine(String(decoding: data, as: UTF8.self))
            } else {
                Output.outLine("\(status.id)  \(status.state.rawValue)\(status.error.map { "  \($0)" } ?? "")")
                for o in status.outputs { Output.outLine(o.url ?? "(\(o.data?.count ?? 0) bytes \(o.mimeType ?? ""))") }
            }
        } catch let e as LLMError {
            throw ErrorReporter.report(e, environment: environment)
        }
    }
}
