import BlockModel
import SystemCall
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The file driver's backing file, open, before it becomes the driver's.
struct BackingFile {
    let path: String
    let descriptor: FileDescriptor

    /// Opens `path` for reading and writing through the page cache,
    /// creating it if it does not exist.
    init(path: String) throws(SystemCallError) {
        self.path = path
        descriptor = try FileDescriptor.open(path, flags: O_RDWR | O_CREAT)
    }

    /// The file's size after making it `bytes` long, if given.
    func resize(to bytes: UInt64?) throws(SystemCallError) -> UInt64 {
        var info = stat()
        _ = try checked("fstat \(path)") { fstat(descriptor.rawValue, &info) }
        guard let bytes, bytes != UInt64(info.st_size) else { return UInt64(info.st_size) }
        _ = try checked("ftruncate \(path) to \(bytes) bytes") { ftruncate(descriptor.rawValue, off_t(bytes)) }
        return bytes
    }

    /// The O_DIRECT probe's operation, by which a refusal is known.
    static func directIOProbe(_ path: String) -> String { "fcntl \(path) F_SETFL O_DIRECT" }

    /// Turns on O_DIRECT for the open file (`fcntl(F_SETFL)`): true when the
    /// file system takes it, false when it has none and it is not `required`.
    ///
    /// This is the probe that asks only about O_DIRECT. The kernel refuses
    /// it with EINVAL exactly when the file's address space has no direct
    /// I/O (`FMODE_CAN_ODIRECT`, as `open(O_DIRECT)` does), and the file is
    /// already open, so no other reason (the path, the size, the flags of
    /// creation) can give that EINVAL.
    func enableDirectIO(required: Bool) throws(SystemCallError) -> Bool {
        let flags = try checked("fcntl \(path) F_GETFL") { fcntl(descriptor.rawValue, F_GETFL) }
        do {
            _ = try checked(Self.directIOProbe(path)) { fcntl(descriptor.rawValue, F_SETFL, flags | O_DIRECT) }
            return true
        } catch where error.errno == .invalidArgument && !required {
            return false
        }
    }

    /// The alignment `O_DIRECT` needs here, found by trying: a 512-byte
    /// read at offset 0 works where the file system takes 512-byte blocks.
    func directIOAlignment() throws(SystemCallError) -> UInt32 {
        guard let buffer = aligned_alloc(4096, 4096) else { throw SystemCallError("aligned_alloc 4096", errno: .noMemory) }
        defer { free(buffer) }
        var last = SystemCallError("pread \(path) with O_DIRECT", errno: .invalidArgument)
        for size in [512, 1024, 2048, 4096] {
            do {
                _ = try checked("pread \(size) bytes of \(path) with O_DIRECT") { pread(descriptor.rawValue, buffer, size, 0) }
                return UInt32(size)
            } catch {
                last = error
            }
        }
        throw last
    }
}
