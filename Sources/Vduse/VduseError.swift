#if canImport(Glibc)
import Glibc
#endif

/// A failed VDUSE, vDPA or virtqueue operation, with the errno it carries.
public struct VduseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done, e.g. "VDUSE_CREATE_DEV" or "open /dev/vduse/control".
    public let operation: String
    /// The positive errno.
    public let errno: Int32
    /// What to do about it, when there is a known remedy.
    public let hint: String?

    public init(_ operation: String, errno: Int32, hint: String? = nil) {
        self.operation = operation
        self.errno = errno < 0 ? -errno : errno
        self.hint = hint
    }

    public var description: String {
        var text = "\(operation): \(String(cString: strerror(errno))) (errno \(errno))"
        if let hint { text += "; \(hint)" }
        return text
    }
}
