import Synchronization

/// The block layer's side of the model: a `struct blk_mq_tag_set` with its
/// hardware queues and their requests, and the code that dispatches to the
/// driver through the `BlkMqOps` table.
///
/// A submitter (`GenDisk`, or the ublk server) hands it I/O with a queue and
/// tag; the tag set starts the request, calls `queue_rq`, and reports the end
/// through `onEnd`. Requests stay allocated for the tag set's lifetime.
public final class TagSet<Driver: Operations>: @unchecked Sendable {
    /// `BLK_MQ_MAX_DEPTH`.
    public static var maxDepth: Int { 10240 }
    /// `HCTX_MAX_TYPES`: default, read and poll maps.
    public static var maxMaps: Int { 3 }

    public let driver: Driver
    public let queueDepth: Int
    public let maps: Int
    /// The hardware queues, made in init and only read after.
    public private(set) var queues: [HardwareQueue<Driver>] = []
    /// Every request, queue by queue: index `queue * queueDepth + tag`.
    private var requests: ContiguousArray<Request<Driver>> = []
    /// The same, unretained, for the hot path: `requests` keeps them alive.
    private var unretained: ContiguousArray<Unmanaged<Request<Driver>>> = []
    let ops = BlkMqOps<Driver>()
    private let onEnd: (@Sendable (Request<Driver>, BlkStatus) -> Void)?
    private let recorded = Mutex<[Violation]>([])

    /// Allocates the tag set (`blk_mq_alloc_tag_set`): `hwQueues` queues of
    /// `queueDepth` tags, calling `init_hctx` and `init_request` for each.
    /// `onEnd` runs when a request ends, on the thread that ends it.
    public init(driver: Driver, hwQueues: Int, queueDepth: Int, maps: Int = 1,
                onEnd: (@Sendable (Request<Driver>, BlkStatus) -> Void)? = nil) throws(BlockError) {
        guard hwQueues >= 1, (1...Self.maxDepth).contains(queueDepth), (1...Self.maxMaps).contains(maps) else {
            throw .invalidArgument
        }
        self.driver = driver
        self.queueDepth = queueDepth
        self.maps = maps
        self.onEnd = onEnd
        for index in 0..<hwQueues {
            queues.append(HardwareQueue(index: index, data: try ops.initHctx(driver, index)))
            for tag in 0..<queueDepth {
                let request = Request(queue: index, tag: tag, data: try ops.initRequest(driver, index, tag), tagSet: self)
                requests.append(request)
                unretained.append(.passUnretained(request))
            }
        }
    }

    deinit {
        for request in requests { ops.exitRequest(driver, request.data) }
        for queue in queues { ops.exitHctx(driver, queue.data, queue.index) }
    }

    /// The request of `tag` on hardware queue `queue`.
    @inline(__always)
    public func request(queue: Int, tag: Int) -> Request<Driver> {
        requests[queue * queueDepth + tag]
    }

    /// Runs `body` with the request of `tag` on `queue`, without retaining it.
    @inline(__always)
    func withRequest<R>(queue: Int, tag: Int, _ body: (Request<Driver>) -> R) -> R {
        unretained[queue * queueDepth + tag]._withUnsafeGuaranteedRef(body)
    }

    public var hwQueues: Int { queues.count }

    /// What `dispatch` did with a request.
    public enum Dispatch: Equatable, Sendable {
        /// The driver took it; it ends (now or later) through `onEnd`.
        case queued
        /// The driver asked to retry (`BLK_STS_RESOURCE`); the tag is free again.
        case requeue
        /// The tag was still in use; nothing was dispatched (a violation is recorded).
        case busy
    }

    /// Starts the request of `tag` on `queue` and hands it to `queue_rq`.
    ///
    /// The refcount goes 0 -> 2 (in flight, plus the driver's handle) before
    /// the call, as `queue_rq_callback` does in Rust. A thrown error ends the
    /// request here with `BlkStatus(errno:)`, unless it is a resource error,
    /// which the block layer would retry.
    @discardableResult
    public func dispatch(queue: Int, tag: Int, operation: RequestOperation, sector: UInt64, sectors: UInt32,
                         buffer: UnsafeMutableRawBufferPointer = .init(start: nil, count: 0),
                         forceUnitAccess: Bool = false, isLast: Bool = true) -> Dispatch {
        withRequest(queue: queue, tag: tag) { request in
            start(request, operation: operation, sector: sector, sectors: sectors, buffer: buffer,
                  forceUnitAccess: forceUnitAccess, isLast: isLast)
        }
    }

    @inline(__always)
    private func start(_ request: Request<Driver>, operation: RequestOperation, sector: UInt64, sectors: UInt32,
                       buffer: UnsafeMutableRawBufferPointer, forceUnitAccess: Bool, isLast: Bool) -> Dispatch {
        guard request.refcount.compareExchange(expected: 0, desired: 2, ordering: .acquiringAndReleasing).exchanged else {
            record(request, .dispatchOfBusyTag)
            return .busy
        }
        request.operation = operation
        request.sector = sector
        request.sectors = sectors
        request.buffer = buffer
        request.forceUnitAccess = forceUnitAccess
        request.ended.store(false, ordering: .relaxed)
        do throws(BlockError) {
            try ops.queueRq(driver, RequestRef(counted: request), isLast)
        } catch {
            // The batch ends on a request the driver did not take: what it
            // queued before must still start (blk_mq_dispatch_rq_list).
            if isLast { ops.commitRqs(driver, queues[request.queue]) }
            return failed(request, status: BlkStatus(errno: error.errno))
        }
        return .queued
    }

    /// `commit_rqs`: a submitter whose batch ended without an `isLast`
    /// request (the rest was requeued) tells the driver to start what it queued.
    public func commitRqs(queue: Int) {
        ops.commitRqs(driver, queues[queue])
    }

    /// `queue_rq` threw: the driver must have dropped its handle (refcount 1).
    private func failed(_ request: Request<Driver>, status: BlkStatus) -> Dispatch {
        guard request.refcount.compareExchange(expected: 1, desired: 0, ordering: .acquiringAndReleasing).exchanged else {
            record(request, .errorWithOwnership(refcount: request.references))
            return .queued
        }
        if status == .resource || status == .devResource { return .requeue }
        finish(request, status: status)
        return .queued
    }

    /// `blk_mq_tag_to_rq` for a driver: a handle only while the driver owns
    /// the request (refcount >= 1), else nil.
    public func tagToRq(queue: Int, tag: Int) -> RequestRef<Driver>? {
        guard queues.indices.contains(queue), (0..<queueDepth).contains(tag) else { return nil }
        let request = self.request(queue: queue, tag: tag)
        return request.addHandle() ? RequestRef(counted: request) : nil
    }

    /// `blk_mq_end_request` called directly, as C code (or unsafe Rust)
    /// can: valid only when the driver owns the request with no handle.
    public func endRequest(queue: Int, tag: Int, status: BlkStatus) {
        let request = self.request(queue: queue, tag: tag)
        let before = request.refcount.fetchUpdate { $0 == 1 ? 0 : nil }.previous
        switch before {
        case 1: finish(request, status: status)
        case 0: record(request, .endedTwice)
        default: record(request, .endedWithHandles(before - 1))
        }
    }

    /// Polls a queue through the `poll` slot; false when the driver has none.
    public func poll(queue: Int) -> Bool {
        ops.poll?(driver, queues[queue]) ?? false
    }

    /// The violations recorded so far, oldest first.
    public var violations: [Violation] { recorded.withLock { $0 } }

    /// Records `neverEnded` for every request the driver still owns and
    /// returns all violations: call it when no I/O is outstanding.
    @discardableResult
    public func checkAllEnded() -> [Violation] {
        for request in requests where request.references != 0 {
            record(request, .neverEnded(refcount: request.references))
        }
        return violations
    }

    // MARK: Called by RequestRef

    func finish(_ request: Request<Driver>, status: BlkStatus) {
        request.status = status
        request.ended.store(true, ordering: .releasing)
        onEnd?(request, status)
    }

    func completeRequest(_ handle: consuming RequestRef<Driver>) {
        ops.complete(driver, handle)
    }

    func countClone(of request: Request<Driver>) {
        if !request.addHandle() { record(request, .cloneOfIdleRequest) }
    }

    func dropHandle(of request: Request<Driver>) {
        if !request.refcount.fetchUpdate({ $0 >= 2 ? $0 - 1 : nil }).updated { record(request, .refcountUnderflow) }
    }

    func record(_ request: Request<Driver>, _ kind: Violation.Kind) {
        recorded.withLock { $0.append(Violation(queue: request.queue, tag: request.tag, kind: kind)) }
    }
}
