import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A failed system call, ioctl or kernel command: what was being done and
/// the errno the kernel gave. The one error of the servers, their rings and
/// the drivers' backing files.
public struct SystemCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done, e.g. "ADD_DEV" or "open /dev/ublk-control".
    public let operation: String
    public let errno: Errno
    /// What to do about it, when there is a known remedy.
    public let hint: String?

    public init(_ operation: String, errno: Errno, hint: String? = nil) {
        self.operation = operation
        self.errno = errno
        self.hint = hint
    }

    /// From an errno value in either sign: io_uring and liburing return `-EINVAL`.
    public init(_ operation: String, errno value: Int32, hint: String? = nil) {
        self.init(operation, errno: Errno(rawValue: value < 0 ? -value : value), hint: hint)
    }

    /// The calling thread's errno, read now: call it right after the failed call.
    public static func last(_ operation: String, hint: String? = nil) -> SystemCallError {
        SystemCallError(operation, errno: Errno(rawValue: Glibc.errno), hint: hint)
    }

    public var description: String {
        var text = "\(operation): \(String(cString: strerror(errno.rawValue))) (errno \(errno.rawValue))"
        if let hint { text += "; \(hint)" }
        return text
    }
}

extension SystemCallError {
    /// The same failure with a remedy to say.
    public func hinting(_ hint: String?) -> SystemCallError {
        SystemCallError(operation, errno: errno, hint: hint)
    }
}
