import BlockModel
import Logging
import Synchronization

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
/// completion threads read it at every end, so it is behind a lock. An end
/// takes the lock only to fetch its queue, and never calls it under the lock.
public final class EndRouter<Receiver: EndReceiver>: Sendable {
    private let queues = Mutex<[Receiver]>([])

    public init() {}

    /// The queues ends go to from now on, by index.
    public func serve(_ receivers: [Receiver]) {
        queues.withLock { $0 = receivers }
    }

    /// No queue takes ends any more.
    public func clear() {
        serve([])
    }

    /// The queue of `index`, nil when there is none (before `serve`, after `clear`).
    public func receiver(_ index: Int) -> Receiver? {
        queues.withLock { $0.indices.contains(index) ? $0[index] : nil }
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
