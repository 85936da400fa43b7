import CURing
import Foundation
import SystemCall
import Testing
import TestSupport
@testable import Ublk

/// What can be checked of the ublk server on a host without ublk; the
/// protocol itself is proven under qemu by Scripts/ublk-proof.
@Suite struct UblkCommandTests {
    static let binary = ToolPath.product("mqgen-serve")

    /// mqgen-serve with `arguments`; it never runs for long here: each call
    /// fails before or at opening the control device.
    static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let result = try ChildProcess.run(binary, arguments, timeout: 60)
        #expect(!result.timedOut, "mqgen-serve \(arguments.joined(separator: " ")) did not finish within 60 s")
        return (result.status, result.stderr)
    }

    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/dev/ublk-control")))
    func missingControlDeviceSaysToLoadTheDriver() throws {
        let result = try Self.run(["--driver", "null"])
        #expect(result.status == 1)
        #expect(result.stderr == "mqgen-serve: error: open /dev/ublk-control: No such file or directory (errno 2); load the ublk driver first: modprobe ublk_drv\n")
    }

    @Test(arguments: [
        (["--driver", "file"], "--driver file needs --file PATH"),
        (["--driver", "ram", "--file", "x"], "--file is for --driver file"),
        (["--size", "12Q"], "--size '12Q' is not a size such as 512M or 4G"),
        (["--block-size", "1000"], "--block-size 1000 must be a power of two from 512 to 4096"),
        (["--depth", "5000"], "--depth must be from 1 to 4096"),
        (["--queues", "0"], "--queues must be at least 1"),
    ])
    func badOptionsAreNamed(arguments: [String], message: String) throws {
        let result = try Self.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// The backing file is opened before the device is added, so this runs
    /// on a host without ublk: ramfs has no O_DIRECT. With ublk loaded, the
    /// fallback run would add a real device and serve it, so it is skipped
    /// there (the ublk proof checks the same under qemu).
    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/dev/ublk-control")))
    func aBackingFileWithoutDirectIOIsNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqgen-ramfs-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #require(try Self.runTool("/bin/mount", ["-t", "ramfs", "mqgen-test", directory]) == 0, "mount -t ramfs needs root")
        defer { _ = try? Self.runTool("/bin/umount", [directory]) }

        let refused = try Self.run(["--driver", "file", "--file", "\(directory)/on.img", "--size", "1M", "--direct-io", "on"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "mqgen-serve: error: file driver: \(directory)/on.img: the file system has no O_DIRECT (--direct-io on); use --direct-io auto or off\n")

        let fallback = try Self.run(["--driver", "file", "--file", "\(directory)/auto.img", "--size", "1M"])
        #expect(fallback.stderr.hasPrefix("mqgen-serve: \(directory)/auto.img: the file system has no O_DIRECT; backing I/O goes through the page cache"), "\(fallback.stderr)")
    }

    /// A new (or empty) backing file with `--direct-io on` on a file system
    /// that has O_DIRECT (/tmp, ext4) fails for its size: any EINVAL used to
    /// read as "the file system has no O_DIRECT".
    @Test func anEmptyBackingFileIsRefusedForItsSizeNotForDirectIO() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mqgen-empty-\(UUID()).img").path
        defer { unlink(path) }
        let result = try Self.run(["--driver", "file", "--file", path, "--direct-io", "on"])
        #expect(result.status == 1)
        #expect(!result.stderr.contains("O_DIRECT"), "\(result.stderr)")
        #expect(result.stderr == "mqgen-serve: error: file driver: \(path): 0 bytes, less than one 512-byte sector: Invalid argument (errno 22)\n")
    }

    static func runTool(_ path: String, _ arguments: [String]) throws -> Int32 {
        try ChildProcess.run(path, arguments, timeout: 60).status
    }

    @Test func privilegesAreExplained() {
        let denied = SystemCallError("open /dev/ublk-control", errno: EACCES, hint: UblkControl.remedy(forOpen: .permissionDenied))
        #expect(denied.description.hasSuffix("; ublk devices need root (CAP_SYS_ADMIN)"))
        #expect(UblkControl.remedy(forOpen: .notPermitted) == "ublk devices need root (CAP_SYS_ADMIN)")
        #expect(SystemCallError("ADD_DEV", errno: -EEXIST).description == "ADD_DEV: File exists (errno 17)")
    }

    @Test func ublkOperationsMapToModelOperations() {
        #expect(UblkCommandMachine.operation(UInt8(UBLK_IO_OP_READ)) == .read)
        #expect(UblkCommandMachine.operation(UInt8(UBLK_IO_OP_WRITE)) == .write)
        #expect(UblkCommandMachine.operation(UInt8(UBLK_IO_OP_FLUSH)) == .flush)
        #expect(UblkCommandMachine.operation(UInt8(UBLK_IO_OP_DISCARD)) == .discard)
        #expect(UblkCommandMachine.operation(UInt8(UBLK_IO_OP_WRITE_ZEROES)) == .writeZeroes)
        #expect(UblkCommandMachine.operation(UInt8(UBLK_IO_OP_WRITE_SAME)) == nil)
    }

    @Test func ioctlEncodingsAreTheKernels() {
        // _IOWR('u', nr, 32-byte ublksrv_ctrl_cmd) and _IOWR('u', nr, 16-byte ublksrv_io_cmd).
        #expect(mqgen_ublk_ctrl_op(UInt32(UBLK_CMD_ADD_DEV)) == 0xC020_7504)
        #expect(mqgen_ublk_io_op(UInt32(UBLK_IO_FETCH_REQ)) == 0xC010_7520)
    }
}

import BlockModel

final class Placeholder: Operations {
    func queueRq(_ request: consuming RequestRef<Placeholder>, isLast: Bool) throws(BlockError) {
        _ = request.endOk()
    }
}

/// `mqgen-serve list` on a host with no ublk or VDUSE device: the listing
/// is empty, and a record whose device is gone is removed.
@Suite struct ListCommandTests {
    static var noDevices: Bool {
        let files = FileManager.default
        let ublk = (try? files.contentsOfDirectory(atPath: "/sys/class/ublk-char")) ?? []
        let vduse = ((try? files.contentsOfDirectory(atPath: "/sys/class/vduse")) ?? []).filter { $0 != "control" }
        return ublk.isEmpty && vduse.isEmpty
    }

    @Test(.enabled(if: noDevices))
    func aRecordWithoutItsDeviceIsIgnoredAndRemoved() throws {
        let directory = NSTemporaryDirectory() + "mqgen-list-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stale = directory + "/ublk-3.json"
        try Data(#"{"driver":"ram","id":3,"serverPID":1,"transport":"ublk"}"#.utf8).write(to: URL(fileURLWithPath: stale))
        let result = try ChildProcess.run(UblkCommandTests.binary, ["list", "--json"],
                                          environment: ["MQGEN_RECORD_DIR": directory], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "[]\n")
        #expect(!FileManager.default.fileExists(atPath: stale))
    }
}
