import Atomics
import BlockModel
import Logging

/// A transport's hardware queue, as the tag set's end callback sees it.
public protocol EndReceiver: AnyObject, Sendable {
    associatedtype Driver: Operations
    /// Called on the thread that ended the request.
    func ended(_ request: Request<Driver>, status: BlkStatus)
}

/// Lets the tag set's end callback, made before the queues exist, reach
/// them: `serve` the queues once they are made, `clear` when they are gone.
///
/// The server's thread sets the list while the queue threads and a driver's
/// completion threads read it at every end. The list is immutable and
/// swapped whole through an atomic strong reference: an end reads it with
/// one acquiring load, and no queue waits for another's lock on the hot
/// path. (Not `Synchronization.Mutex`: its contended path, `_lockSlow`,
/// is in the uninstrumented Synchronization library and waits on a futex,
/// so ThreadSanitizer saw no order between a contended end and `serve`
/// and reported the fixed router as racing.)
public final class EndRouter<Receiver: EndReceiver>: Sendable {
    /// One list of queues, never changed once made.
    final class Queues: AtomicReference, Sendable {
        let receivers: [Receiver]

        init(_ receivers: [Receiver]) {
            self.receivers = receivers
        }
    }

    private let queues = ManagedAtomic(Queues([]))

    public init() {}

    /// The queues ends go to from now on, by index.
    public func serve(_ receivers: [Receiver]) {
        queues.store(Queues(receivers), ordering: .releasing)
    }

    /// No queue takes ends any more.
    public func clear() {
        serve([])
    }

    /// The queue of `index`, nil when there is none (before `serve`, after `clear`).
    public func receiver(_ index: Int) -> Receiver? {
        let receivers = queues.load(ordering: .acquiring).receivers
        return receivers.indices.contains(index) ? receivers[index] : nil
    }
}

extension TagSet {
    /// The tag set a transport serves the driver with: `queues` x `depth`
    /// requests whose ends go to the receiving queue, logged at debug level
    /// when they fail.
    public static func served<Receiver: EndReceiver>(
        driver: Driver, queues: Int, depth: Int, router: EndRouter<Receiver>, logger: Logger
    ) throws(BlockError) -> TagSet<Driver> where Receiver.Driver == Driver {
        try TagSet(driver: driver, hwQueues: queues, queueDepth: depth) { request, status in
            if status != .ok, logger.logLevel <= .debug {
                logger.debug("queue \(request.queue) tag \(request.tag): \(request.operation) of \(request.sectors) sectors at \(request.sector) ended with \(status)")
            }
            // Requests are dispatched only while their queue serves, and
            // every one ends before the queues are cleared.
            guard let receiver = router.receiver(request.queue) else {
                preconditionFailure("queue \(request.queue) tag \(request.tag) ended with no queue to take it")
            }
            receiver.ended(request, status: status)
        }
    }
}
