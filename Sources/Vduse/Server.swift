import BlockModel
import BlockTransport
import CVduse
import Foundation
import Logging
import SystemCall
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Serves a BlockModel driver as a virtio-blk device through VDUSE, on the
/// host through virtio_vdpa: one `TagSet` with one hardware queue per
/// virtqueue and the virtqueue size as its depth.
///
/// Threads: the message thread answers the kernel's control messages and
/// never waits for I/O (the kernel gives each message 30 s before it marks
/// the device broken); it starts the queue threads on DRIVER_OK and stops
/// them on a reset. `start()` leaves nothing behind when it fails.
///
/// `@unchecked Sendable`, because the message thread runs `handle` on it:
/// from `start` until `stop` has stopped that thread, the state behind the
/// messages (`queues`, `takingOver`, the IOTLB's mappings) is the message
/// thread's alone, and the caller's thread touches only what the message
/// thread never does (`attached`, `created`, the message loop itself).
public final class VduseServer<Driver: Operations>: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var name: String
        public var depth: Int
        public var device: BlkDeviceConfig

        public init(name: String, depth: Int, device: BlkDeviceConfig) {
            self.name = name
            self.depth = depth
            self.device = device
        }
    }

    private let driver: Driver
    private let configuration: Configuration
    private let logger: Logger
    private let control: VduseControl
    private let tagSet: TagSet<Driver>
    private let router = EndRouter<VduseQueue<Driver>>()
    private var device: VduseDeviceFile?
    private var iotlb: IOTLB?
    private var messages: MessageLoop?
    /// Touched only on the message thread once it runs.
    private var queues: [VduseQueue<Driver>] = []
    private var created = false
    private var attached = false
    private var log: InflightLog?
    /// Serving the rings of a server that died, to fail what it left.
    private var takingOver = false

    public init(driver: Driver, configuration: Configuration, logger: Logger) throws(SystemCallError) {
        guard VirtqueueSize.isValid(configuration.depth),
              configuration.device.queues >= 1 else {
            throw SystemCallError("queues \(configuration.device.queues), depth \(configuration.depth) (a power of two)", errno: EINVAL)
        }
        self.driver = driver
        var configuration = configuration
        configuration.device.deviceFeatures = Driver.deviceFeatures
        self.configuration = configuration
        self.logger = logger
        control = try VduseControl()
        guard access("/sys/bus/vdpa/drivers/virtio_vdpa", F_OK) == 0 else {
            throw SystemCallError("/sys/bus/vdpa/drivers/virtio_vdpa", errno: ENOENT,
                             hint: "virtio_vdpa is not loaded, so no block device would appear: modprobe virtio_vdpa")
        }
        do {
            tagSet = try .served(driver: driver, queues: configuration.device.queues, depth: configuration.depth,
                                 router: router, logger: logger)
        } catch {
            throw SystemCallError("TagSet", errno: error.errno)
        }
    }

    /// Creates the device, serves its messages, attaches it to the vDPA bus
    /// and returns the block device virtio_vdpa made of it (`/dev/vdX`).
    public func start() throws(SystemCallError) -> String {
        let name = configuration.name
        try control.createBlockDevice(name: name, config: configuration.device)
        created = true
        do {
            log = try InflightLog(name: name, queues: configuration.device.queues, maxSize: configuration.depth)
            let device = try VduseDeviceFile(name: name)
            self.device = device
            for index in 0..<configuration.device.queues {
                try device.setUpVirtqueue(index, maxSize: UInt16(configuration.depth))
            }
            iotlb = IOTLB(device: device)
            messages = try MessageLoop(device: device) { [unowned self] id, message in handle(id, message) }
            try VdpaNetlink.addDevice(name: name)
            attached = true
            logger.info("VDUSE device \(name) on the vDPA bus")
            return try Self.blockDevice(of: name)
        } catch {
            try? stop()
            throw error
        }
    }

    /// Detaches from the vDPA bus (the virtio driver drains its I/O and
    /// resets the device), stops the queues, destroys the device.
    public func stop() throws(SystemCallError) {
        var failure: SystemCallError?
        if attached {
            do { try VdpaNetlink.deleteDevice(name: configuration.name) } catch { failure = error }
            attached = false
        }
        messages?.stop()
        messages = nil
        stopQueues()
        iotlb?.unmapAll()
        device?.close()
        device = nil
        iotlb = nil
        if created {
            do { try control.destroyDevice(name: configuration.name) } catch { failure = failure ?? error }
            created = false
            do { try log?.remove() } catch { failure = failure ?? error }
            log = nil
            logger.info("VDUSE device \(configuration.name) destroyed")
        }
        if let failure { throw failure }
    }

    // MARK: Messages (the message thread)

    private func handle(_ id: UInt32, _ message: VduseMessage) {
        guard let device else { return }
        do throws(SystemCallError) {
            switch message {
            case let .getVirtqueueState(index):
                let avail = Int(index) < queues.count ? queues[Int(index)].lastAvail
                                                      : (try? device.virtqueueInfo(Int(index)).availIndex) ?? 0
                try device.respond(to: id, ok: true, queue: index, availIndex: avail)
            case let .setStatus(status):
                try device.respond(to: id, ok: setStatus(status))
            case let .updateIOTLB(first, last):
                iotlb?.invalidate(first: first, last: last)
                try device.respond(to: id, ok: true)
            case let .unknown(type):
                logger.warning("unknown VDUSE message type \(type)")
                try device.respond(to: id, ok: false)
            }
        } catch {
            // The kernel marks the device broken when a message goes
            // unanswered; the next messages say so too.
            logger.error("VDUSE device \(configuration.name): answering \(message): \(error)")
        }
    }

    /// DRIVER_OK starts the queues; 0 is a reset (virtio 1.x, 2.1): stop
    /// them and forget every mapping.
    private func setStatus(_ status: UInt8) -> Bool {
        logger.info("VDUSE device \(configuration.name): status 0x\(String(status, radix: 16))")
        if status == 0 {
            stopQueues()
            iotlb?.unmapAll()
            return true
        }
        guard status & UInt8(VIRTIO_CONFIG_S_DRIVER_OK) != 0, queues.isEmpty else { return true }
        do {
            try startQueues()
            return true
        } catch {
            logger.error("VDUSE device \(configuration.name): \(error)")
            stopQueues()
            return false
        }
    }

    private func startQueues() throws(SystemCallError) {
        guard let device, let iotlb else { return }
        let features = try device.negotiatedFeatures()
        let eventIndex = features & (1 << UInt64(VIRTIO_RING_F_EVENT_IDX)) != 0
        let discard = features & (1 << UInt64(VIRTIO_BLK_F_DISCARD)) != 0
        for index in 0..<configuration.device.queues {
            let info = try device.virtqueueInfo(index)
            guard info.ready else { continue }
            let queue = try VduseQueue(index: index, device: device, info: info, iotlb: iotlb, tagSet: tagSet,
                                       eventIndex: eventIndex, supportsDiscard: discard, log: log?.queue(index),
                                       takeOver: takingOver)
            if takingOver { logger.info("queue \(index): failed \(queue.failAbandoned()) requests the dead server had taken") }
            queues.append(queue)
        }
        takingOver = false
        router.serve(queues)
        for queue in queues { queue.start() }
    }

    private func stopQueues() {
        guard !queues.isEmpty else { return }
        for queue in queues { queue.stop() }
        queues = []
        router.clear()
        if !tagSet.checkAllEnded().isEmpty {
            logger.error("the driver broke request ownership: \(tagSet.violations)")
        }
    }

    /// The disk virtio_vdpa made: /sys/bus/vdpa/devices/NAME/virtioN/block/vdX.
    static func blockDevice(of name: String) throws(SystemCallError) -> String {
        let base = "/sys/bus/vdpa/devices/\(name)"
        for _ in 0..<250 {
            let virtio = (try? FileManager.default.contentsOfDirectory(atPath: base))?.first { $0.hasPrefix("virtio") }
            if let virtio, let disk = (try? FileManager.default.contentsOfDirectory(atPath: "\(base)/\(virtio)/block"))?.first,
               access("/dev/\(disk)", F_OK) == 0 {
                return "/dev/\(disk)"
            }
            usleep(20_000)
        }
        throw SystemCallError("no block device under \(base)", errno: ENODEV,
                         hint: "is virtio_vdpa bound to it (and not vhost_vdpa)?")
    }

    /// Takes over the device a killed server left (from its in-flight log)
    /// so that it can be removed: the chains it had taken end with IOERR,
    /// later ones too (the driver fails them all), its messages are answered.
    func takeOverAbandoned() throws(SystemCallError) {
        let device = try VduseDeviceFile(name: configuration.name)
        self.device = device
        created = true
        attached = true
        iotlb = IOTLB(device: device)
        takingOver = true
        try startQueues()
        messages = try MessageLoop(device: device) { [unowned self] id, message in handle(id, message) }
    }
}

/// Removal of a device whose server was killed.
public enum VduseRemoval {
    /// Fails the I/O the dead server left (so the virtio driver's removal,
    /// which waits for it, can finish), detaches the device from the vDPA
    /// bus and destroys it.
    public static func delete(name: String, logger: Logger) throws(SystemCallError) {
        guard let log = try? InflightLog(name: name) else {
            // No log: nothing of ours was in flight; detach and destroy.
            let control = try VduseControl()
            do { try VdpaNetlink.deleteDevice(name: name) } catch where error.errno == .operationNotSupportedByDevice || error.errno == .noSuchFileOrDirectory {}
            try control.destroyDevice(name: name)
            return
        }
        let device = BlkDeviceConfig(sectors: 0, queues: log.queues)
        let server = try VduseServer(driver: AbandonedIO(), configuration: .init(name: name, depth: log.maxSize, device: device),
                                     logger: logger)
        server.adoptLog(log)
        try server.takeOverAbandoned()
        try server.stop()
    }
}

/// The driver of a device being removed: every request fails with EIO.
final class AbandonedIO: Operations {
    static var movesData: Bool { false }
    /// Whatever the dead server offered, its discards must be failed too.
    static var deviceFeatures: DeviceFeatures { .discard }

    func queueRq(_ request: consuming RequestRef<AbandonedIO>, isLast: Bool) throws(BlockError) {
        throw .io
    }
}

extension VduseServer {
    func adoptLog(_ log: InflightLog) {
        self.log = log
    }
}

/// The thread that reads the kernel's messages and answers each.
final class MessageLoop: Sendable {
    private let stopEvent: EventFD
    private let exited = DispatchSemaphore(value: 0)

    init(device: VduseDeviceFile, handle: @escaping @Sendable (UInt32, VduseMessage) -> Void) throws(SystemCallError) {
        let stopEvent = try EventFD()
        self.stopEvent = stopEvent
        let exited = self.exited
        guard let deviceFD = device.fd else { throw SystemCallError("/dev/vduse/\(device.name) is closed", errno: EBADF) }
        let thread = Thread {
            var fds = [pollfd(fd: deviceFD.rawValue, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopEvent.descriptor.rawValue, events: Int16(POLLIN), revents: 0)]
            while fds[1].revents == 0 {
                do {
                    _ = try checked("poll /dev/vduse/\(device.name)") { poll(&fds, 2, -1) }
                } catch {
                    // ENOMEM (both descriptors are ours and open): wait a
                    // moment rather than spin, then poll again.
                    usleep(100_000)
                    continue
                }
                do {
                    while let (id, message) = try device.readMessage() { handle(id, message) }
                } catch {
                    // A broken device (a message timed out) reads as an error
                    // until it is destroyed: do not spin on it.
                    usleep(100_000)
                }
            }
            exited.signal()
        }
        thread.name = "vduse-messages"
        thread.start()
    }

    func stop() {
        stopEvent.signal()
        exited.wait()
    }
}
