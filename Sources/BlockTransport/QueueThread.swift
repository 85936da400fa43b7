import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Whether the caller runs on a given thread: ends on the queue's own
/// thread are published at once, others go through `EndHandOver`.
///
/// The queue thread writes it once (`adopt`); a driver's completion thread
/// reads it at every end, so it is atomic.
public struct QueueThread: ~Copyable, Sendable {
    /// The adopted thread's `pthread_t` (an address, never 0), or 0.
    private let thread = Atomic<UInt>(0)

    public init() {}

    /// Marks the calling thread as the queue's.
    public func adopt() { thread.store(Self.current, ordering: .releasing) }

    public var isCurrent: Bool {
        let adopted = thread.load(ordering: .acquiring)
        return adopted != 0 && pthread_equal(pthread_t(adopted), pthread_self()) != 0
    }

    private static var current: UInt { UInt(pthread_self()) }
}
