import BlockModel
#if canImport(Glibc)
import Glibc
#endif

/// One request a transport took from the kernel, ready for `queue_rq`.
public struct PendingRequest {
    public var tag: Int
    public var operation: RequestOperation
    public var sector: UInt64
    public var sectors: UInt32
    public var buffer: UnsafeMutableRawBufferPointer
    public var forceUnitAccess: Bool

    public init(tag: Int, operation: RequestOperation, sector: UInt64, sectors: UInt32,
                buffer: UnsafeMutableRawBufferPointer, forceUnitAccess: Bool = false) {
        self.tag = tag
        self.operation = operation
        self.sector = sector
        self.sectors = sectors
        self.buffer = buffer
        self.forceUnitAccess = forceUnitAccess
    }
}

extension TagSet {
    /// Dispatches the requests of one wakeup as blk-mq dispatches a list:
    /// `isLast` on the final one only, so a driver that queues work (the
    /// file driver's SQEs) starts the whole batch at once.
    public func dispatchBatch(queue: Int, _ batch: [PendingRequest]) {
        for (position, pending) in batch.enumerated() {
            dispatchRetrying(queue: queue, pending, isLast: position == batch.count - 1)
        }
    }

    /// Dispatches one request; a driver out of a resource (`BLK_STS_RESOURCE`)
    /// gets what it queued started, then the request again.
    public func dispatchRetrying(queue: Int, _ pending: PendingRequest, isLast: Bool) {
        while dispatch(queue: queue, tag: pending.tag, operation: pending.operation, sector: pending.sector,
                       sectors: pending.sectors, buffer: pending.buffer, forceUnitAccess: pending.forceUnitAccess,
                       isLast: isLast) == .requeue {
            commitRqs(queue: queue)
            sched_yield()
        }
    }
}
