import Synchronization
import SystemCall

/// Ends reported on a thread other than the queue's own: a driver's
/// completion thread. Both transports publish an end only from the queue
/// thread (ublk: one task per queue; VDUSE: one writer of the used ring), so
/// the end is queued here and the queue thread woken through an eventfd.
public final class EndHandOver: Sendable {
    /// The eventfd the queue thread waits on beside its own I/O.
    public let event: EventFD
    private let ends = Mutex<[(tag: Int, result: Int32)]>([])

    /// Waking the queue thread through `event`, a new eventfd unless given.
    public init(event: EventFD? = nil) throws(SystemCallError) {
        if let event { self.event = event } else { self.event = try EventFD() }
    }

    /// Queues one end and wakes the queue thread.
    public func post(tag: Int, result: Int32) {
        ends.withLock { $0.append((tag, result)) }
        event.signal()
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
