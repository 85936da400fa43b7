import ArgumentParser
import BlockModel
import Foundation
import Logging
import Ublk

/// Adds a device, serves it until SIGINT or SIGTERM, then stops and deletes it.
struct Serve: ParsableCommand, DriverUser {
    static let configuration = CommandConfiguration(
        abstract: "Add a ublk device, print its path, serve it until SIGINT/SIGTERM, then delete it.")

    @OptionGroup var driverOptions: DriverOptions

    @Option(help: "Hardware queues, one thread each.")
    var queues = 1

    @Option(help: "Tags per queue (1...4096).")
    var depth = 128

    @Flag(help: "Set UBLK_F_USER_RECOVERY: if this server dies, `mqgen-ublk recover` can take the device over.")
    var recoverable = false

    @Flag(name: .shortAndLong, help: "Log the device lifecycle to stderr; twice (-vv), every request that fails too.")
    var verbose: Int

    func validate() throws {
        guard queues >= 1 else { throw ValidationError("--queues must be at least 1") }
        guard (1...4096).contains(depth) else { throw ValidationError("--depth must be from 1 to 4096") }
    }

    func run() throws {
        try driverOptions.withDriver(self, depth: depth)
    }

    func use<Driver: Operations>(_ driver: Driver, bytes: UInt64, minimumBlockSize: UInt32) throws {
        let signals = SignalWaiter()
        var configuration = UblkServer<Driver>.Configuration(
            queues: queues, depth: depth, parameters: driverOptions.parameters(bytes: bytes, minimumBlockSize: minimumBlockSize))
        if recoverable { configuration.features.insert(.userRecovery) }
        do {
            let server = try UblkServer(driver: driver, configuration: configuration, logger: .ublk(verbosity: verbose))
            let device = try server.start()
            try serveUntilSignalled(server, device: device, signals: signals)
        } catch {
            throw Failure(message: error.description)
        }
    }
}

/// Takes over a recoverable device whose server died.
struct Recover: ParsableCommand, DriverUser {
    static let configuration = CommandConfiguration(
        abstract: "Serve a device added with --recoverable after its server died (UBLK_F_USER_RECOVERY).")

    @Option(help: "The device number N of /dev/ublkbN.")
    var id: UInt32

    @OptionGroup var driverOptions: DriverOptions

    @Flag(name: .shortAndLong, help: "Log the device lifecycle to stderr; twice (-vv), every request that fails too.")
    var verbose: Int

    func run() throws {
        try driverOptions.withDriver(self)
    }

    func use<Driver: Operations>(_ driver: Driver, bytes: UInt64, minimumBlockSize: UInt32) throws {
        let signals = SignalWaiter()
        do {
            let control = try UblkControl()
            let info = try control.deviceInfo(id)
            var configuration = UblkServer<Driver>.Configuration(
                queues: info.queues, depth: info.depth, parameters: driverOptions.parameters(bytes: 0))
            configuration.features = [.userRecovery]
            let server = try UblkServer(driver: driver, configuration: configuration, logger: .ublk(verbosity: verbose))
            let device = try server.recover(id: id)
            try serveUntilSignalled(server, device: device, signals: signals)
        } catch {
            throw Failure(message: error.description)
        }
    }
}

/// Deletes a device left behind by a server that was killed.
struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop and delete /dev/ublkbN.")

    @Option(help: "The device number N of /dev/ublkbN.")
    var id: UInt32

    func run() throws {
        do { try UblkServer<NullDriverPlaceholder>.delete(id: id) } catch {
            throw Failure(message: error.description)
        }
    }
}

/// Prints the device path, serves until SIGINT or SIGTERM, then stops and
/// deletes the device.
func serveUntilSignalled<Driver>(_ server: UblkServer<Driver>, device: UblkDeviceInfo,
                                 signals: SignalWaiter) throws(UblkError) {
    announce(device.blockDevice)
    let signal = signals.wait()
    note("signal \(signal): stopping \(device.blockDevice)")
    try server.stop()
}

/// The device path on stdout, at once: a script reads it while we serve.
func announce(_ path: String) {
    FileHandle.standardOutput.write(Data("\(path)\n".utf8))
}

func note(_ message: String) {
    FileHandle.standardError.write(Data("mqgen-ublk: \(message)\n".utf8))
}

extension Logger {
    /// `-v`: the device lifecycle; `-vv`: also each request that fails.
    static func ublk(verbosity: Int) -> Logger {
        var logger = Logger(label: "mqgen-ublk") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbosity >= 2 ? .debug : verbosity == 1 ? .info : .warning
        return logger
    }
}
