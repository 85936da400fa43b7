import BlockModel
import Logging

/// A transport's hardware queue, as the tag set's end callback sees it.
public protocol EndReceiver: AnyObject, Sendable {
    associatedtype Driver: Operations
    /// Called on the thread that ended the request.
    func ended(_ request: Request<Driver>, status: BlkStatus)
}

/// Lets the tag set's end callback, made before the queues exist, reach
/// them: set `queues` once they are made, clear it when they are gone.
public final class EndRouter<Receiver: EndReceiver>: @unchecked Sendable {
    public var queues: [Receiver] = []
    public init() {}
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
            router.queues[request.queue].ended(request, status: status)
        }
    }
}
