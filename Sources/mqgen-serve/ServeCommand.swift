import ArgumentParser
import Foundation

/// `mqgen-ublk`: serves a BlockModel driver as a ublk block device.
@main
struct UblkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqgen-ublk",
        abstract: "Serve a BlockModel driver (null, ram, file) as /dev/ublkbN through the kernel's ublk driver.",
        subcommands: [Serve.self, Recover.self, Delete.self],
        defaultSubcommand: Serve.self)

    /// ArgumentParser's own messages, but every failure as one `mqgen-ublk: error:` line.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("mqgen-ublk: error: \(failure.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

struct Failure: Error {
    var message: String
}
