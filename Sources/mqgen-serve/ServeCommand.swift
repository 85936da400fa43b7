import ArgumentParser
import Foundation

/// `mqgen-serve`: serves a BlockModel driver as a block device, through ublk or VDUSE.
@main
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqgen-serve",
        abstract: "Serve a BlockModel driver (null, ram, file) as a block device: /dev/ublkbN through ublk, or /dev/vdX through VDUSE and virtio_vdpa.",
        subcommands: [Serve.self, Recover.self, Delete.self, List.self],
        defaultSubcommand: Serve.self)

    /// ArgumentParser's own messages, but every failure as one `mqgen-serve: error:` line.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as Failure {
            FileHandle.standardError.write(Data("mqgen-serve: error: \(failure.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

struct Failure: Error {
    var message: String
}
