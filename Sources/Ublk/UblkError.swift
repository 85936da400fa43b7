import URing
#if canImport(Glibc)
import Glibc
#endif

/// A failed ublk or io_uring operation, with the errno the kernel gave.
public struct UblkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done, e.g. "ADD_DEV" or "open /dev/ublkc0".
    public let operation: String
    /// The positive errno.
    public let errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno < 0 ? -errno : errno
    }

    /// The same failure of the ring under this name.
    init(_ error: RingError) {
        self.init(error.operation, errno: error.errno)
    }

    public var description: String {
        var text = "\(operation): \(String(cString: strerror(errno))) (errno \(errno))"
        if operation.hasPrefix("open /dev/ublk-control") {
            if errno == ENOENT { text += "; load the ublk driver first: modprobe ublk_drv" }
            if errno == EACCES || errno == EPERM { text += "; ublk devices need root (CAP_SYS_ADMIN)" }
        }
        return text
    }
}
