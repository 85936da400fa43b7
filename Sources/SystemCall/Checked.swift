import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Runs `call`, a C function that returns -1 (or any negative value) and
/// sets errno when it fails, and returns its result. An interrupted call
/// (`EINTR`) is made again: no caller here wants to see a signal.
@inlinable
public func checked<Result: SignedInteger>(_ operation: @autoclosure () -> String,
                                           _ call: () -> Result) throws(SystemCallError) -> Result {
    while true {
        let result = call()
        if result >= 0 { return result }
        let error = Errno(rawValue: Glibc.errno)
        if error != .interrupted { throw SystemCallError(operation(), errno: error) }
    }
}

extension FileDescriptor {
    /// open(2) with `O_CLOEXEC` and raw flags (`O_DIRECT` is not among
    /// swift-system's options).
    public static func open(_ path: String, flags: Int32, permissions: mode_t = 0o644,
                            operation: String? = nil) throws(SystemCallError) -> FileDescriptor {
        let fd = try checked(operation ?? "open \(path)") { Glibc.open(path, flags | O_CLOEXEC, permissions) }
        return FileDescriptor(rawValue: fd)
    }

    /// close(2) where nothing can be done about a failure: Linux has released
    /// the descriptor even when close reports EIO or EINTR, so a retry could
    /// close another thread's new file.
    public func closeReleasing() {
        _ = Glibc.close(rawValue)
    }
}
