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
    let isDirect: Bool

    init(path: String, directIO: FileDriver.DirectIO) throws(SystemCallError) {
        self.path = path
        if directIO != .off {
            do {
                descriptor = try FileDescriptor.open(path, flags: O_RDWR | O_CREAT | O_DIRECT)
                isDirect = true
                return
            } catch where error.errno == .invalidArgument && directIO == .auto {
                // EINVAL: the file system has no O_DIRECT (tmpfs before 6.6, some FUSE).
            }
        }
        descriptor = try FileDescriptor.open(path, flags: O_RDWR | O_CREAT)
        isDirect = false
    }

    /// The file's size after making it `bytes` long, if given.
    func resize(to bytes: UInt64?) throws(SystemCallError) -> UInt64 {
        var info = stat()
        _ = try checked("fstat \(path)") { fstat(descriptor.rawValue, &info) }
        guard let bytes, bytes != UInt64(info.st_size) else { return UInt64(info.st_size) }
        _ = try checked("ftruncate \(path) to \(bytes) bytes") { ftruncate(descriptor.rawValue, off_t(bytes)) }
        return bytes
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
