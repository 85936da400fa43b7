#if canImport(Glibc)
import Glibc
#endif

/// Whether the caller runs on a given thread: ends on the queue's own
/// thread are published at once, others go through `EndHandOver`.
public struct QueueThread: @unchecked Sendable {
    private var thread: pthread_t?

    public init() {}

    /// Marks the calling thread as the queue's.
    public mutating func adopt() { thread = pthread_self() }

    public var isCurrent: Bool {
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }
}
