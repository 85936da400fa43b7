import ArgumentParser
import BlockModel
import DeviceList
import Foundation
import Logging
import SystemCall
import Ublk
import Vduse

/// The kernel interface a device is served through.
enum Transport: String, ExpressibleByArgument, CaseIterable {
    case ublk, vduse
}

/// Adds a device, serves it until SIGINT or SIGTERM, then stops and deletes it.
struct Serve: ParsableCommand, DriverUser {
    static let configuration = CommandConfiguration(
        abstract: "Add a device, print its path, serve it until SIGINT/SIGTERM, then delete it.")

    @Option(help: "ublk (/dev/ublkbN) or vduse (a virtio-blk device on the vDPA bus, /dev/vdX through virtio_vdpa).")
    var transport: Transport = .ublk

    @Option(help: ArgumentHelp("The VDUSE device's name (/dev/vduse/NAME, the vDPA device). Default: mqgen-PID.", valueName: "name"))
    var name: String?

    @OptionGroup var driverOptions: DriverOptions

    @Option(help: "Hardware queues, one thread each.")
    var queues = 1

    @Option(help: "Tags per queue (1...4096); for VDUSE, the virtqueue size (a power of two).")
    var depth = 128

    @Flag(help: "Set UBLK_F_USER_RECOVERY: if this server dies, `mqgen-serve recover` can take the device over.")
    var recoverable = false

    @Flag(name: .shortAndLong, help: "Log the device lifecycle to stderr; twice (-vv), every request that fails too.")
    var verbose: Int

    func validate() throws {
        guard queues >= 1 else { throw ValidationError("--queues must be at least 1") }
        // Both transports offer ublk's range, so a driver's depth works on either.
        let depths = UblkQueueDepth.valid
        guard depths.contains(depth) else { throw ValidationError("--depth must be from \(depths.lowerBound) to \(depths.upperBound)") }
        if transport == .vduse {
            guard VirtqueueSize.isValid(depth) else { throw ValidationError("--depth must be a power of two for --transport vduse (a virtqueue size)") }
            guard !recoverable else { throw ValidationError("--recoverable is for --transport ublk (VDUSE has no user recovery in 6.12)") }
        } else if name != nil {
            throw ValidationError("--name is for --transport vduse")
        }
    }

    func run() throws {
        try driverOptions.withDriver(self, depth: depth)
    }

    func use<Driver: Operations>(_ driver: Driver, bytes: UInt64, minimumBlockSize: UInt32) throws {
        switch transport {
        case .ublk: try serveUblk(driver, bytes: bytes, minimumBlockSize: minimumBlockSize)
        case .vduse: try serveVduse(driver, bytes: bytes, minimumBlockSize: minimumBlockSize)
        }
    }

    private func serveVduse<Driver: Operations>(_ driver: Driver, bytes: UInt64, minimumBlockSize: UInt32) throws {
        let signals = SignalWaiter()
        let configuration = VduseServer<Driver>.Configuration(
            name: name ?? "mqgen-\(getpid())", depth: depth,
            device: driverOptions.blockConfig(bytes: bytes, minimumBlockSize: minimumBlockSize, queues: queues))
        do {
            let server = try VduseServer(driver: driver, configuration: configuration, logger: .serve(verbosity: verbose))
            let path = try server.start()
            let key = DeviceKey.vduse(configuration.name)
            keepRecord(driverOptions.record(of: key))
            announce(path)
            let signal = signals.wait()
            note("signal \(signal): stopping \(path) (VDUSE device \(configuration.name))")
            try server.stop()
            dropRecord(key)
        } catch {
            throw Failure(message: error.description)
        }
    }

    private func serveUblk<Driver: Operations>(_ driver: Driver, bytes: UInt64, minimumBlockSize: UInt32) throws {
        let signals = SignalWaiter()
        var configuration = UblkServer<Driver>.Configuration(
            queues: queues, depth: depth, parameters: driverOptions.parameters(bytes: bytes, minimumBlockSize: minimumBlockSize))
        if recoverable { configuration.features.insert(.userRecovery) }
        do {
            let server = try UblkServer(driver: driver, configuration: configuration, logger: .serve(verbosity: verbose))
            let device = try server.start()
            try serveUntilSignalled(server, device: device, record: driverOptions.record(of: .ublk(device.id)), signals: signals)
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
            let server = try UblkServer(driver: driver, configuration: configuration, logger: .serve(verbosity: verbose))
            let device = try server.recover(id: id)
            try serveUntilSignalled(server, device: device, record: driverOptions.record(of: .ublk(device.id)), signals: signals)
        } catch {
            throw Failure(message: error.description)
        }
    }
}

/// Deletes a device left behind by a server that was killed.
struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop and delete /dev/ublkbN (--id), or detach and destroy a VDUSE device (--transport vduse --name).")

    @Option(help: "ublk or vduse.")
    var transport: Transport = .ublk

    @Option(help: "The device number N of /dev/ublkbN.")
    var id: UInt32?

    @Option(help: "The VDUSE device's name.")
    var name: String?

    @Flag(name: .shortAndLong, help: "Log what is done to stderr.")
    var verbose: Int

    func validate() throws {
        switch transport {
        case .ublk: guard id != nil, name == nil else { throw ValidationError("delete --transport ublk needs --id N") }
        case .vduse: guard name != nil, id == nil else { throw ValidationError("delete --transport vduse needs --name NAME") }
        }
    }

    func run() throws {
        do throws(SystemCallError) {
            switch transport {
            case .ublk:
                try UblkServer<NullDriverPlaceholder>.delete(id: id!)
                dropRecord(.ublk(id!))
            case .vduse:
                try VduseRemoval.delete(name: name!, logger: .serve(verbosity: verbose))
                dropRecord(.vduse(name!))
            }
        } catch {
            throw Failure(message: error.description)
        }
    }
}

/// Keeps the device's record, prints its path, serves until SIGINT or
/// SIGTERM, then stops and deletes the device and drops the record.
func serveUntilSignalled<Driver>(_ server: UblkServer<Driver>, device: UblkDeviceInfo, record: DeviceRecord,
                                 signals: SignalWaiter) throws(SystemCallError) {
    keepRecord(record)
    announce(device.blockDevice)
    let signal = signals.wait()
    note("signal \(signal): stopping \(device.blockDevice)")
    try server.stop()
    dropRecord(record.key)
}

/// The device path on stdout, at once: a script reads it while we serve.
func announce(_ path: String) {
    FileHandle.standardOutput.write(Data("\(path)\n".utf8))
}

func note(_ message: String) {
    FileHandle.standardError.write(Data("mqgen-serve: \(message)\n".utf8))
}

extension Logger {
    /// `-v`: the device lifecycle; `-vv`: also each request that fails.
    static func serve(verbosity: Int) -> Logger {
        var logger = Logger(label: "mqgen-serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbosity >= 2 ? .debug : verbosity == 1 ? .info : .warning
        return logger
    }
}
