import ArgumentParser
import BlockDrivers
import BlockModel
import SystemCall
import Ublk
import Vduse

/// Which model driver to serve, and its backing.
struct DriverOptions: ParsableArguments {
    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case null, ram, file
    }

    @Option(help: "The driver: null (ends every request at once, like rnull), ram, or file.")
    var driver: Kind = .null

    @Option(help: ArgumentHelp("Device size, with an optional K, M or G suffix. Default: 1G, or the file's size.", valueName: "bytes"))
    var size: String?

    @Option(help: ArgumentHelp("The backing file of the file driver (created if missing).", valueName: "path"))
    var file: String?

    @Option(name: .customLong("device-size"), help: ArgumentHelp(
        "The size the kernel is told, when it should differ from the driver's: larger makes I/O past the driver's storage fail with EIO (a test of that path).",
        valueName: "bytes"))
    var deviceSize: String?

    @Option(name: .customLong("block-size"), help: "Logical block size: a power of two from 512 to 4096. The file driver with O_DIRECT raises it to what the file system needs.")
    var blockSize: UInt32 = 512

    @Option(name: .customLong("direct-io"), help: ArgumentHelp(
        "The file driver's backing I/O: auto (O_DIRECT where the file system has it, else the page cache), on, or off.",
        valueName: "mode"))
    var directIO: FileDriver.DirectIO = .auto

    @Option(help: ArgumentHelp(
        "Where the file driver takes completions: polled (on the queue thread, woken by the ring's eventfd) or thread (a thread per queue, handing each end over to the queue thread).",
        valueName: "where"))
    var completions: FileDriver.Completions = .polled

    func validate() throws {
        if driver == .file, file == nil { throw ValidationError("--driver file needs --file PATH") }
        if driver != .file, file != nil { throw ValidationError("--file is for --driver file") }
        if driver != .file, directIO != .auto || completions != .polled {
            throw ValidationError("--direct-io and --completions are for --driver file")
        }
        for (name, value) in [("--size", size), ("--device-size", deviceSize)] {
            if let value, Self.bytes(value) == nil { throw ValidationError("\(name) '\(value)' is not a size such as 512M or 4G") }
        }
        do { _ = try GenDiskBuilder().logicalBlockSize(blockSize) } catch {
            throw ValidationError("--block-size \(blockSize) must be a power of two from 512 to 4096")
        }
    }

    var sizeBytes: UInt64? { size.flatMap(Self.bytes) }

    static func bytes(_ text: String) -> UInt64? {
        let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        guard let last = text.uppercased().last else { return nil }
        if let unit = units[last] { return UInt64(text.dropLast()).flatMap { $0.multipliedReportingOverflow(by: unit).overflow ? nil : $0 * unit } }
        return UInt64(text)
    }

    /// The device's parameters; `minimumBlockSize` is the driver's (the
    /// file driver's O_DIRECT alignment), which `--block-size` cannot go below.
    func parameters(bytes driverBytes: UInt64, minimumBlockSize: UInt32 = 512) -> UblkParameters {
        let bytes = deviceSize.flatMap(Self.bytes) ?? driverBytes
        let blockSize = max(blockSize, minimumBlockSize)
        var parameters = UblkParameters(sectors: bytes >> 9 & ~(UInt64(blockSize >> 9) - 1), maxSectors: .max)
        parameters.logicalBlockShift = UInt8(blockSize.trailingZeroBitCount)
        return parameters
    }

    /// The virtio-blk device VDUSE offers for the same driver: the same
    /// geometry as the ublk parameters (the server adds the driver's
    /// features to either).
    func blockConfig(bytes driverBytes: UInt64, minimumBlockSize: UInt32, queues: Int) -> BlkDeviceConfig {
        let parameters = self.parameters(bytes: driverBytes, minimumBlockSize: minimumBlockSize)
        var config = BlkDeviceConfig(sectors: parameters.sectors, queues: queues)
        config.logicalBlockSize = 1 << UInt32(parameters.logicalBlockShift)
        return config
    }

    /// Makes the driver and hands it to `user` with its concrete type, so
    /// that the server is specialized for it.
    /// `depth` is the deepest queue the driver will be given.
    func withDriver<User: DriverUser>(_ user: User, depth: Int = 4096) throws {
        do {
            switch driver {
            case .null:
                try user.use(NullDriver(), bytes: sizeBytes ?? 1 << 30, minimumBlockSize: 512)
            case .ram:
                let ram = try RamDriver(bytes: sizeBytes ?? 1 << 30)
                try user.use(ram, bytes: ram.capacity, minimumBlockSize: 512)
            case .file:
                var options = FileDriver.Options(directIO: directIO, completions: completions)
                options.queueDepth = depth
                let backing = try openBackingFile(options)
                try user.use(backing, bytes: backing.capacity, minimumBlockSize: backing.minimumBlockSize)
            }
        } catch let error as BlockError {
            throw Failure(message: "\(driver.rawValue) driver: \(error)")
        } catch let error as SystemCallError {
            throw Failure(message: "\(driver.rawValue) driver: \(error)")
        }
    }
}

extension DriverOptions {
    /// The file driver on `--file`. Where the file system has no `O_DIRECT`
    /// (ramfs, some FUSE file systems), `--direct-io on` is refused with that
    /// reason, and `auto` says on stderr that the page cache is in the path:
    /// a loop target then caches twice, and a flush is what makes data durable.
    func openBackingFile(_ options: FileDriver.Options) throws -> FileDriver {
        let path = file!
        let backing: FileDriver
        do throws(SystemCallError) {
            backing = try FileDriver(path: path, bytes: sizeBytes, options: options)
        } catch {
            guard FileDriver.isDirectIORefusal(error, path: path) else { throw error }
            throw Failure(message: "file driver: \(path): the file system has no O_DIRECT (--direct-io on); use --direct-io auto or off")
        }
        if options.directIO == .auto, !backing.usesDirectIO {
            note("\(path): the file system has no O_DIRECT; backing I/O goes through the page cache (--direct-io off to choose that without this note)")
        }
        return backing
    }
}

/// Something done with whichever driver the options name.
protocol DriverUser {
    func use<Driver: Operations>(_ driver: Driver, bytes: UInt64, minimumBlockSize: UInt32) throws
}

extension FileDriver.DirectIO: ExpressibleByArgument {}
extension FileDriver.Completions: ExpressibleByArgument {}
