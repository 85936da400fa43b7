/// A block driver, as the Rust `kernel::block::mq::Operations` trait has it.
///
/// The block layer (`TagSet`) calls these through its `BlkMqOps` table. A
/// driver owns the request it is handed in `queueRq` until it ends it with
/// `RequestRef.end(_:)`; `complete(_:)` runs when it marks a request
/// complete with `RequestRef.complete()` instead.
public protocol Operations: AnyObject, Sendable {
    /// Per hardware queue data, made by `initQueue` (`init_hctx`).
    associatedtype QueueData: Sendable = Void
    /// Per request data (the pdu), made by `initRequest` (`init_request`).
    associatedtype RequestData: Sendable = Void

    /// Whether the driver implements `poll()` (`HAS_POLL` in Rust); the
    /// block layer installs the slot only then.
    static var hasPoll: Bool { get }

    /// Whether the driver reads or writes `Request.buffer`. A driver that
    /// never does (null) lets a submitter skip moving the data, as null_blk
    /// and rnull leave a read's pages as they are.
    static var movesData: Bool { get }

    /// What the disk offers beyond reads and writes (discard, a volatile
    /// write cache, FUA); the transports advertise exactly this set.
    static var deviceFeatures: DeviceFeatures { get }

    /// Queues one started request. `isLast` is false when more requests of
    /// the same batch follow, and `commitRqs` will be called after them.
    /// A thrown error ends the request with `BlkStatus(errno:)` of it.
    func queueRq(_ request: consuming RequestRef<Self>, isLast: Bool) throws(BlockError)
    /// Kicks the hardware after a batch ended without an `isLast` request.
    func commitRqs(queue: HardwareQueue<Self>)
    /// Ends a request the driver marked complete.
    func complete(_ request: consuming RequestRef<Self>)
    /// Looks for completed requests; true when it found any.
    func poll(queue: HardwareQueue<Self>) -> Bool

    /// The event the driver's completions on `queue` signal, if its
    /// requests end only when polled (see `CompletionEvent`); nil when the
    /// driver ends them itself, on whatever thread.
    func completionEvent(queue: HardwareQueue<Self>) -> CompletionEvent?

    func initQueue(index: Int) throws(BlockError) -> QueueData
    func exitQueue(_ data: QueueData, index: Int)
    func initRequest(queue: Int, tag: Int) throws(BlockError) -> RequestData
    func exitRequest(_ data: RequestData)
}

extension Operations {
    public static var hasPoll: Bool { false }
    public static var movesData: Bool { true }
    public static var deviceFeatures: DeviceFeatures { [] }
    public func commitRqs(queue: HardwareQueue<Self>) {}
    public func poll(queue: HardwareQueue<Self>) -> Bool { false }
    public func completionEvent(queue: HardwareQueue<Self>) -> CompletionEvent? { nil }
    /// Ends the request successfully, as rnull does; with other handles
    /// still out, this one is dropped and they decide.
    public func complete(_ request: consuming RequestRef<Self>) {
        _ = request.endOk()
    }
    public func exitQueue(_ data: QueueData, index: Int) {}
    public func exitRequest(_ data: RequestData) {}
}

extension Operations where QueueData == Void {
    public func initQueue(index: Int) throws(BlockError) {}
}

extension Operations where RequestData == Void {
    public func initRequest(queue: Int, tag: Int) throws(BlockError) {}
}

extension BlkMqOps {
    /// The table for `Driver`: every slot calls the protocol requirement of
    /// the same member; `poll` only when the driver says it has one.
    init() {
        let queueRq: @Sendable (Driver, consuming RequestRef<Driver>, Bool) throws(BlockError) -> Void = {
            (driver: Driver, request: consuming RequestRef<Driver>, isLast: Bool) throws(BlockError) in
            try driver.queueRq(request, isLast: isLast)
        }
        let complete: @Sendable (Driver, consuming RequestRef<Driver>) -> Void = {
            (driver: Driver, request: consuming RequestRef<Driver>) in
            driver.complete(request)
        }
        var poll: (@Sendable (Driver, HardwareQueue<Driver>) -> Bool)?
        if Driver.hasPoll {
            poll = { (driver: Driver, queue: HardwareQueue<Driver>) -> Bool in driver.poll(queue: queue) }
        }
        self.init(
            queueRq: queueRq,
            commitRqs: { driver, queue in driver.commitRqs(queue: queue) },
            poll: poll,
            complete: complete,
            initHctx: { (driver: Driver, index: Int) throws(BlockError) in try driver.initQueue(index: index) },
            exitHctx: { driver, data, index in driver.exitQueue(data, index: index) },
            initRequest: { (driver: Driver, queue: Int, tag: Int) throws(BlockError) in
                try driver.initRequest(queue: queue, tag: tag)
            },
            exitRequest: { driver, data in driver.exitRequest(data) }
        )
    }
}
