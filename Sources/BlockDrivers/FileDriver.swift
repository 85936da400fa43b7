import BlockModel
import CLinuxFile
import SystemCall
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A disk backed by a regular file: a loop target whose backing I/O goes
/// through io_uring, one ring per hardware queue, with the whole queue depth
/// in flight (`FileQueue`).
///
/// - Reads and writes go to the file at the request's offset, with
///   `O_DIRECT` by default where the file system has it (no second copy in
///   the page cache, as `losetup --direct-io=on`); a FUA write is `RWF_DSYNC`.
/// - A flush is `fdatasync`, so data written before it is on stable storage;
///   discard punches a hole and write-zeroes zeroes the range.
/// - An error of the backing file ends the request with the status of its
///   errno (`ENOSPC` is `BLK_STS_NOSPC`, `EIO` `BLK_STS_IOERR`), and the disk
///   goes on serving.
/// - A short read is continued where it stopped; one that reaches the end of
///   the file (the file shrank under the disk) fills the rest with zeros and
///   ends with `BLK_STS_IOERR`, as the kernel loop device does with direct I/O.
///
/// Sendable: every stored property is a constant, and the descriptor's
/// reads and writes are the kernel's to order.
public final class FileDriver: Operations, Sendable {
    public typealias QueueData = FileQueue

    /// Discard punches a hole (zeros on read back); the backing file's page
    /// cache or the device under it is a volatile cache that a flush
    /// (`fdatasync`) empties, and a FUA write is written with `RWF_DSYNC`.
    public static var deviceFeatures: DeviceFeatures { [.discard, .volatileWriteCache, .forceUnitAccess] }

    /// How the backing file is opened.
    public enum DirectIO: String, Sendable, CaseIterable {
        /// `O_DIRECT` where the file system supports it, else the page cache.
        case auto
        /// `O_DIRECT`, or fail to open.
        case on
        /// Through the page cache.
        case off
    }

    /// Where completions are taken.
    public enum Completions: String, Sendable, CaseIterable {
        /// On the transport's queue thread, when the queue's `CompletionEvent`
        /// fires (or when polled); no thread hand-over.
        case polled
        /// On a thread of the driver's per queue, which ends requests off the
        /// transport's queue thread (the hand-over path).
        case thread
    }

    public struct Options: Sendable {
        public var directIO: DirectIO = .auto
        public var completions: Completions = .polled
        /// The deepest hardware queue the driver will be given (`BLK_MQ_MAX_DEPTH` at most).
        public var queueDepth = 4096

        public init(directIO: DirectIO = .auto, completions: Completions = .polled) {
            self.directIO = directIO
            self.completions = completions
        }
    }

    public static var hasPoll: Bool { true }

    public let path: String
    public let capacity: UInt64
    /// Whether the file is open with `O_DIRECT`.
    public let usesDirectIO: Bool
    /// The smallest block the disk may have: with `O_DIRECT`, the file
    /// system's alignment for it (512 or 4096), so that no request is refused.
    public let minimumBlockSize: UInt32
    let options: Options
    let descriptor: FileDescriptor

    /// Opens `path`, creating it with `bytes` when it does not exist. With
    /// `bytes` nil the disk is the file's current size, at least one sector.
    /// `--direct-io on` on a file system without O_DIRECT fails with the
    /// probe's error (`isDirectIORefusal`).
    public init(path: String, bytes: UInt64? = nil, options: Options = Options()) throws(SystemCallError) {
        let backing = try BackingFile(path: path)
        do throws(SystemCallError) {
            let size = try backing.resize(to: bytes)
            guard size >= 512 else {
                throw SystemCallError("\(path): \(size) bytes, less than one 512-byte sector", errno: .invalidArgument)
            }
            capacity = size & ~511
            switch options.directIO {
            case .off: usesDirectIO = false
            case .auto: usesDirectIO = try backing.enableDirectIO(required: false)
            case .on: usesDirectIO = try backing.enableDirectIO(required: true)
            }
            minimumBlockSize = usesDirectIO ? try backing.directIOAlignment() : 512
        } catch {
            backing.descriptor.closeReleasing()
            throw error
        }
        self.path = path
        self.options = options
        descriptor = backing.descriptor
    }

    deinit {
        descriptor.closeReleasing()
    }

    /// Whether `error` says that the file system of `path` has no O_DIRECT:
    /// the probe's EINVAL, and never another call's (a file too small, an
    /// alignment no size meets).
    public static func isDirectIORefusal(_ error: SystemCallError, path: String) -> Bool {
        error.operation == BackingFile.directIOProbe(path) && error.errno == .invalidArgument
    }

    public func initQueue(index: Int) throws(BlockError) -> FileQueue {
        try FileQueue(driver: self, index: index, depth: options.queueDepth, completions: options.completions)
    }

    public func exitQueue(_ data: FileQueue, index: Int) {
        data.stop()
    }

    public func completionEvent(queue: HardwareQueue<FileDriver>) -> CompletionEvent? {
        queue.data.event
    }

    public func poll(queue: HardwareQueue<FileDriver>) -> Bool {
        queue.data.poll()
    }

    /// Queues the request's backing I/O; the batch's SQEs go to the kernel
    /// together, with its last request (or `commitRqs`).
    public func queueRq(_ request: consuming RequestRef<FileDriver>, isLast: Bool) throws(BlockError) {
        let rq = request.request
        if rq.operation != .flush { _ = try rq.byteRange(within: capacity) }
        rq.tagSet.queues[rq.queue].data.start(request, submit: isLast)
    }

    public func commitRqs(queue: HardwareQueue<FileDriver>) {
        queue.data.submit()
    }
}
