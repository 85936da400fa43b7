import Foundation
import Testing
import TestSupport

/// The errors of `mqgen-serve --transport vduse` that need no VDUSE on the host.
@Suite struct VduseCommandTests {
    static let binary = ToolPath.product("mqgen-serve")

    /// mqgen-serve with `arguments`; each call here fails before or at
    /// opening the control device, so it never serves.
    static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let result = try ChildProcess.run(binary, arguments, timeout: 60)
        #expect(!result.timedOut, "mqgen-serve \(arguments.joined(separator: " ")) did not finish within 60 s")
        return (result.status, result.stderr)
    }

    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/dev/vduse/control")))
    func missingControlDeviceSaysToLoadTheDriver() throws {
        let result = try Self.run(["--transport", "vduse", "--driver", "null"])
        #expect(result.status == 1)
        #expect(result.stderr == "mqgen-serve: error: open /dev/vduse/control: No such file or directory (errno 2); load the VDUSE driver first: modprobe vduse\n")
    }

    @Test(arguments: [
        (["--transport", "vduse", "--depth", "100"], "--depth must be a power of two for --transport vduse"),
        (["--transport", "vduse", "--recoverable"], "--recoverable is for --transport ublk"),
        (["--name", "x"], "--name is for --transport vduse"),
        (["--transport", "virtio"], "virtio"),
        (["delete", "--transport", "vduse"], "delete --transport vduse needs --name NAME"),
        (["delete"], "delete --transport ublk needs --id N"),
    ])
    func badOptionsAreNamed(arguments: [String], message: String) throws {
        let result = try Self.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
