import CLinuxFile
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ends reported on a thread other than the queue's own: a driver's
/// completion thread. Both transports publish an end only from the queue
/// thread (ublk: one task per queue; VDUSE: one writer of the used ring), so
/// the end is queued here and the queue thread woken through an eventfd.
public final class EndHandOver: @unchecked Sendable {
    /// The eventfd the queue thread waits on beside its own I/O.
    public let descriptor: Int32
    private let ends = Mutex<[(tag: Int, result: Int32)]>([])

    public init() {
        descriptor = eventfd(0, Int32(EFD_CLOEXEC))
    }

    deinit {
        close(descriptor)
    }

    /// Queues one end and wakes the queue thread.
    public func post(tag: Int, result: Int32) {
        ends.withLock { $0.append((tag, result)) }
        var one: UInt64 = 1
        _ = write(descriptor, &one, 8)
    }

    /// Everything posted so far, oldest first; the caller has read (or
    /// re-armed its read of) the eventfd.
    public func take() -> [(tag: Int, result: Int32)] {
        ends.withLock { list in
            let taken = list
            list.removeAll()
            return taken
        }
    }
}
