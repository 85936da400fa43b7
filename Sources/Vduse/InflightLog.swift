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
final class InflightLog: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    private let bytes: Int
    private let queueBytes: Int
    let path: String
    let queues: Int
    let maxSize: Int

    static func path(name: String) -> String { "/run/mqgen/vduse-\(name).inflight" }

    /// Makes the log of device `name` afresh (zeroed).
    convenience init(name: String, queues: Int, maxSize: Int) throws(VduseError) {
        try self.init(name: name, create: (queues, maxSize))
    }

    /// Maps the log a server of device `name` left.
    convenience init(name: String) throws(VduseError) {
        try self.init(name: name, create: nil)
    }

    private init(name: String, create: (queues: Int, maxSize: Int)?) throws(VduseError) {
        path = Self.path(name: name)
        mkdir("/run/mqgen", 0o700)
        if create != nil { unlink(path) }
        let fd = open(path, O_RDWR | O_CLOEXEC | (create != nil ? O_CREAT | O_EXCL : 0), 0o600)
        guard fd >= 0 else { throw VduseError("open \(path)", errno: errno) }
        defer { close(fd) }
        var header: (UInt32, UInt32) = (0, 0)
        if let create {
            header = (UInt32(create.queues), UInt32(create.maxSize))
            guard write(fd, &header, 8) == 8 else { throw VduseError("write \(path)", errno: errno) }
        } else {
            guard pread(fd, &header, 8, 0) == 8 else { throw VduseError("read \(path)", errno: EINVAL) }
        }
        queues = Int(header.0)
        maxSize = Int(header.1)
        queueBytes = 8 + maxSize
        bytes = 8 + queues * queueBytes
        if create != nil, ftruncate(fd, off_t(bytes)) != 0 { throw VduseError("ftruncate \(path)", errno: errno) }
        var status = stat()
        guard fstat(fd, &status) == 0, Int(status.st_size) >= bytes else { throw VduseError("read \(path)", errno: EINVAL) }
        guard let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            throw VduseError("mmap \(path)", errno: errno)
        }
        base = mapped
    }

    deinit {
        munmap(base, bytes)
    }

    /// Removes the file: the device is gone.
    func remove() {
        unlink(path)
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
