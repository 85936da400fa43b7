import BlockModel
import BlockTransport
import CURing
import Foundation
import Logging
import Synchronization
import SystemCall
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Serves a BlockModel driver as `/dev/ublkbN`: the server is the model's
/// block-layer side, one `TagSet` with the device's queues and depth, one
/// thread per queue.
///
/// Lifecycle: `start()` adds the device, sets its parameters, starts the
/// queues and the device; `stop()` stops and deletes it. A failure inside
/// `start()` deletes what it added, so no device is left behind.
///
/// Not Sendable: one thread drives the lifecycle. The queue threads share
/// only their queue, `finished` and `failures` with it.
public final class UblkServer<Driver: Operations> {
    public struct Configuration: Sendable {
        public var queues: Int
        public var depth: Int
        public var maxIOBytes: UInt32 = 512 << 10
        public var parameters: UblkParameters
        public var features: UblkFeatures = []

        public init(queues: Int, depth: Int, parameters: UblkParameters) {
            self.queues = queues
            self.depth = depth
            self.parameters = parameters
        }
    }

    private let driver: Driver
    private let configuration: Configuration
    private let control: UblkControl
    private let logger: Logger
    private var tagSet: TagSet<Driver>?
    private var queues: [UblkQueue<Driver>] = []
    private let router = EndRouter<UblkQueue<Driver>>()
    private var charFD: FileDescriptor?
    private let finished = DispatchGroup()
    private let failure = FirstFailure()
    public private(set) var device: UblkDeviceInfo?

    public init(driver: Driver, configuration: Configuration, logger: Logger) throws(SystemCallError) {
        guard UblkQueueDepth.valid.contains(configuration.depth), configuration.queues >= 1 else {
            throw SystemCallError("queues \(configuration.queues), depth \(configuration.depth)", errno: EINVAL)
        }
        self.driver = driver
        self.configuration = configuration
        self.logger = logger
        control = try UblkControl()
    }

    /// Adds and starts a new device; returns what the kernel made.
    public func start() throws(SystemCallError) -> UblkDeviceInfo {
        // A driver that touches no data needs no copy of it: UBLK_F_USER_COPY
        // without any pread/pwrite (what null_blk does with a read's pages).
        let features = Driver.movesData ? configuration.features : configuration.features.union(.userCopy)
        let added = try control.addDevice(queues: configuration.queues, depth: configuration.depth,
                                          maxIOBytes: configuration.maxIOBytes, features: features)
        device = added
        logger.info("added ublk device \(added.id)")
        do {
            var parameters = configuration.parameters
            parameters.maxSectors = min(parameters.maxSectors, added.maxIOBytes >> 9)
            parameters.deviceFeatures = Driver.deviceFeatures
            try control.setParameters(added.id, parameters)
            try startQueues(added)
            try control.startDevice(added.id)
        } catch {
            abandon(added.id)
            throw error
        }
        return added
    }

    /// Takes over device `id` after its server died (UBLK_F_USER_RECOVERY):
    /// waits for the kernel to quiesce it, then serves it from this process.
    public func recover(id: UInt32, timeout: Duration = .seconds(30)) throws(SystemCallError) -> UblkDeviceInfo {
        var info = try control.deviceInfo(id)
        let deadline = ContinuousClock.now + timeout
        while info.state != UblkDeviceInfo.quiesced {
            guard ContinuousClock.now < deadline else {
                throw SystemCallError("device \(id) is not quiesced (state \(info.state)); is its server still running?", errno: EBUSY)
            }
            usleep(100_000)
            info = try control.deviceInfo(id)
        }
        try control.startUserRecovery(id)
        device = info
        try startQueues(info)
        try control.endUserRecovery(id)
        logger.info("recovered ublk device \(id)")
        return info
    }

    private func startQueues(_ info: UblkDeviceInfo) throws(SystemCallError) {
        let tagSet: TagSet<Driver>
        do {
            tagSet = try .served(driver: driver, queues: info.queues, depth: info.depth, router: router, logger: logger)
        } catch {
            throw SystemCallError("TagSet", errno: error.errno)
        }
        self.tagSet = tagSet
        let charFD = try Self.openCharDevice(info.charDevice)
        self.charFD = charFD
        for index in 0..<info.queues {
            queues.append(try UblkQueue(index: index, depth: info.depth, charFD: charFD, tagSet: tagSet,
                                        maxIOBytes: Int(info.maxIOBytes),
                                        kernelCopies: UblkFeatures(rawValue: info.flags).isDisjoint(with: .userCopy)))
        }
        router.serve(queues)
        let ready = DispatchSemaphore(value: 0)
        for queue in queues {
            finished.enter()
            let thread = Thread { [finished, failure] in
                do throws(SystemCallError) {
                    try queue.serve { ready.signal() }
                } catch {
                    failure.record(error)
                    ready.signal()
                }
                finished.leave()
            }
            thread.name = "ublk-q\(queue.index)"
            thread.start()
        }
        for _ in queues { ready.wait() }
        if let error = failure.error { throw error }
    }

    /// The char device appears a moment after ADD_DEV when udev makes it.
    private static func openCharDevice(_ path: String) throws(SystemCallError) -> FileDescriptor {
        for _ in 0..<99 {
            do {
                return try FileDescriptor.open(path, flags: O_RDWR)
            } catch where error.errno == .noSuchFileOrDirectory {
                usleep(20_000)
            }
        }
        return try FileDescriptor.open(path, flags: O_RDWR)
    }

    /// STOP_DEV, wait for the queues to drain, DEL_DEV.
    public func stop() throws(SystemCallError) {
        guard let device else { return }
        defer { self.device = nil }
        try control.stopDevice(device.id)
        finished.wait()
        releaseQueues()
        try control.deleteDevice(device.id)
        logger.info("deleted ublk device \(device.id)")
        if let tagSet, !tagSet.checkAllEnded().isEmpty {
            logger.error("the driver broke request ownership: \(tagSet.violations)")
        }
    }

    /// Best effort after a failed start: the device must not outlive us.
    private func abandon(_ id: UInt32) {
        try? control.stopDevice(id)
        // Unmapping under a running queue thread would crash it; DEL_DEV
        // would wait forever on a mapping that stays. Say which device is left.
        guard queues.isEmpty || finished.wait(timeout: .now() + 5) == .success else {
            logger.error("queues of ublk device \(id) did not stop; remove it with: mqgen-serve delete --id \(id)")
            return
        }
        releaseQueues()
        try? control.deleteDevice(id)
        device = nil
    }

    /// Unmaps the queues' descriptor arrays and closes the char device:
    /// DEL_DEV waits until nothing holds /dev/ublkcN, mappings included.
    private func releaseQueues() {
        for queue in queues { queue.unmap() }
        router.clear()
        queues = []
        charFD?.closeReleasing()
        charFD = nil
    }

    /// Deletes a device by id (one a killed server left behind).
    public static func delete(id: UInt32) throws(SystemCallError) {
        let control = try UblkControl()
        try? control.stopDevice(id)
        try control.deleteDevice(id)
    }
}

/// The first error of the queue threads, for the thread that started them.
private final class FirstFailure: Sendable {
    private let first = Mutex<SystemCallError?>(nil)

    func record(_ error: SystemCallError) {
        first.withLock { $0 = $0 ?? error }
    }

    var error: SystemCallError? { first.withLock { $0 } }
}
