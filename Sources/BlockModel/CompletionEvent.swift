#if canImport(Glibc)
import Glibc
#endif

/// What a driver's hardware raises when requests complete: an eventfd, the
/// userspace form of an interrupt line.
///
/// A driver whose backing I/O completes asynchronously (the file driver's
/// io_uring) has it signalled for each completion. A transport waits on
/// `descriptor` beside its own I/O and, when it fires, calls
/// `TagSet.poll(queue:)` on the queue's own thread, so the requests end
/// there and need no hand-over between threads.
public final class CompletionEvent: Sendable {
    /// The eventfd, for a transport to wait on (read 8 bytes to reset it).
    public let descriptor: Int32

    /// Takes ownership of an eventfd the driver made (it is closed with this).
    public init(adopting descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
