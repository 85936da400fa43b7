import CLinuxFile
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// An eventfd(2), owned: the counter one thread signals and another waits
/// on (a kick, a hand-over, a stop). Closed with this object.
///
/// Sendable without a lock: the descriptor never changes, and the kernel
/// serializes the counter's reads and writes.
public final class EventFD: Sendable {
    public let descriptor: FileDescriptor

    /// `EFD_NONBLOCK`: `wait` returns 0 at once when nothing was signalled.
    public static let nonBlocking = Int32(EFD_NONBLOCK)

    /// A blocking eventfd, closed on exec; `flags` adds `EFD_NONBLOCK` or `EFD_SEMAPHORE`.
    public init(flags: Int32 = 0) throws(SystemCallError) {
        descriptor = FileDescriptor(rawValue: try checked("eventfd") { eventfd(0, flags | Int32(EFD_CLOEXEC)) })
    }

    deinit {
        descriptor.closeReleasing()
    }

    /// Adds one to the counter, waking a waiter. A write of 8 bytes fails
    /// only if the counter would pass 2^64 - 2, which no count of posts
    /// here comes near: a failure is a broken invariant, not an I/O error.
    public func signal() {
        var one: UInt64 = 1
        do {
            _ = try checked("write eventfd") { write(descriptor.rawValue, &one, 8) }
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// Waits until the counter is nonzero and resets it; returns what it
    /// held. On a non-blocking eventfd, 0 when nothing was signalled.
    @discardableResult
    public func wait() -> UInt64 {
        var count: UInt64 = 0
        do {
            _ = try checked("read eventfd") { read(descriptor.rawValue, &count, 8) }
        } catch where error.errno == .wouldBlock {
            return 0
        } catch {
            preconditionFailure("\(error)")
        }
        return count
    }
}
