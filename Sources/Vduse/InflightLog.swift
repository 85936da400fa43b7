import SystemCall
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Which chains each virtqueue has taken and not yet answered, in a file
/// that outlives the server (`/run/mqgen/vduse-NAME.inflight`, shared
/// memory). VDUSE in 6.12 keeps a device, and the I/O the driver queued on
/// it, when its server dies; the virtio-blk driver waits for that I/O
/// without a timeout, and so does its removal. With this log, `mqgen-serve
/// delete --transport vduse` can fail exactly those chains with IOERR, so
/// the I/O ends and the device can be removed.
///
/// A header (queues, largest ring size), then per queue: `lastAvail`, `usedLogged` (the used index up to which flags
/// are cleared), then one flag byte per descriptor head.
///
/// `@unchecked Sendable`: the mapping is fixed from init to deinit, and each
/// queue thread writes only its own queue's part (`queue(_:)`).
final class InflightLog: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    private let bytes: Int
    private let queueBytes: Int
    let path: String
    let queues: Int
    let maxSize: Int

    static func path(name: String) -> String { "/run/mqgen/vduse-\(name).inflight" }

    /// Makes the log of device `name` afresh (zeroed).
    convenience init(name: String, queues: Int, maxSize: Int) throws(SystemCallError) {
        try self.init(name: name, create: (queues, maxSize))
    }

    /// Maps the log a server of device `name` left.
    convenience init(name: String) throws(SystemCallError) {
        try self.init(name: name, create: nil)
    }

    private init(name: String, create: (queues: Int, maxSize: Int)?) throws(SystemCallError) {
        let path = Self.path(name: name)
        self.path = path
        if create != nil {
            try Self.makeDirectory("/run/mqgen")
            try Self.remove(path)
        }
        let fd = try FileDescriptor.open(path, flags: O_RDWR | (create != nil ? O_CREAT | O_EXCL : 0), permissions: 0o600)
        defer { fd.closeReleasing() }
        var header: (UInt32, UInt32) = (0, 0)
        if let create {
            header = (UInt32(create.queues), UInt32(create.maxSize))
            guard try checked("write \(path)", { write(fd.rawValue, &header, 8) }) == 8 else {
                throw SystemCallError("write \(path): short", errno: EIO)
            }
        } else {
            guard try checked("read \(path)", { pread(fd.rawValue, &header, 8, 0) }) == 8 else {
                throw SystemCallError("read \(path): no header", errno: EINVAL)
            }
        }
        queues = Int(header.0)
        maxSize = Int(header.1)
        queueBytes = 8 + maxSize
        let total = 8 + queues * queueBytes
        bytes = total
        if create != nil { _ = try checked("ftruncate \(path)") { ftruncate(fd.rawValue, off_t(total)) } }
        var status = stat()
        _ = try checked("fstat \(path)") { fstat(fd.rawValue, &status) }
        guard Int(status.st_size) >= total else { throw SystemCallError("read \(path): \(status.st_size) bytes", errno: EINVAL) }
        base = try mapMemory("mmap \(path)", length: total, protection: PROT_READ | PROT_WRITE, flags: MAP_SHARED, fd: fd.rawValue)
    }

    deinit {
        unmapMemory(base, length: bytes)
    }

    /// Removes the file: the device is gone.
    func remove() throws(SystemCallError) {
        try Self.remove(path)
    }

    /// unlink(2), where a file already gone is what was wanted.
    private static func remove(_ path: String) throws(SystemCallError) {
        do { _ = try checked("unlink \(path)") { unlink(path) } } catch where error.errno == .noSuchFileOrDirectory {}
    }

    /// mkdir(2), where a directory already there is what was wanted.
    private static func makeDirectory(_ path: String) throws(SystemCallError) {
        do { _ = try checked("mkdir \(path)") { mkdir(path, 0o700) } } catch where error.errno == .fileExists {}
    }

    func queue(_ index: Int) -> Queue {
        Queue(base: base + 8 + index * queueBytes)
    }

    /// One queue's part of the log.
    struct Queue {
        let base: UnsafeMutableRawPointer

        var lastAvail: UInt16 {
            get { base.load(as: UInt16.self) }
            nonmutating set { base.storeBytes(of: newValue, as: UInt16.self) }
        }
        var usedLogged: UInt16 {
            get { base.load(fromByteOffset: 2, as: UInt16.self) }
            nonmutating set { base.storeBytes(of: newValue, toByteOffset: 2, as: UInt16.self) }
        }

        func taken(_ head: UInt16, lastAvail: UInt16) {
            base.storeBytes(of: 1, toByteOffset: 8 + Int(head), as: UInt8.self)
            self.lastAvail = lastAvail
        }

        func answered(_ head: UInt16) {
            base.storeBytes(of: 0, toByteOffset: 8 + Int(head), as: UInt8.self)
        }

        func isTaken(_ head: UInt16) -> Bool {
            base.load(fromByteOffset: 8 + Int(head), as: UInt8.self) != 0
        }
    }
}
