import ArgumentParser
import Foundation

@main
struct MQGenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqgen",
        abstract: "Generate the Rust blk-mq abstractions of a kernel tree from its headers.",
        subcommands: [Generate.self, DiffCommand.self],
        defaultSubcommand: Generate.self
    )

    /// Runs the command; every failure, argument errors included, is one
    /// `mqgen: error: ...` line on stderr and a non-zero exit.
    static func main() {
        if let problem = RawArguments.firstNotUTF8() { fail(problem, code: 2) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ToolFailure {
            Self.fail(error.message, code: error.code)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit {
                Self.exit(withError: error)
            }
            let message = self.message(for: error)
            Self.fail(message.isEmpty ? "\(error)" : message, code: code.rawValue)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        report(message)
        Foundation.exit(code == 0 ? 1 : code)
    }

    /// As `fail`, from any thread, without running exit handlers: for when
    /// libclang may be inside a blocked `open` on another thread.
    static func failNow(_ message: String) -> Never {
        report(message)
        _exit(1)
    }

    private static func report(_ message: String) {
        FileHandle.standardError.write(Data("mqgen: error: \(message)\n".utf8))
    }
}

/// A failure already phrased for the user.
struct ToolFailure: Error {
    var message: String
    var code: Int32 = 1
}

/// Informational lines go to stderr so that stdout stays machine-readable
/// (`--dump-ir`).
func note(_ message: String) {
    FileHandle.standardError.write(Data("mqgen: \(message)\n".utf8))
}
