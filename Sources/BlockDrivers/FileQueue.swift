import BlockModel
import CLinuxFile
import Synchronization
import SystemCall
import SystemPackage
import URing
#if canImport(Glibc)
import Glibc
#endif

/// One hardware queue of the file driver: its io_uring and the requests in
/// flight on it, by tag.
///
/// A request is submitted as one SQE tagged with its tag; its CQE ends it.
/// The ring is used by one thread at a time (`lock`): the queue's submitter,
/// and whoever takes completions, the transport's queue thread when it
/// polls, or the queue's completion thread.
///
/// A transport whose queue thread waits on an io_uring of its own (ublk)
/// can lend it (`RingGuest`). The SQEs then go on that ring and are
/// submitted with the transport's commands, and the transport hands back
/// their completions on its thread. This is ublksrv's loop target's way.
/// VDUSE has no ring, so there the queue keeps its own, and so does
/// `--completions thread`.
///
/// `@unchecked Sendable`: the ring, the in-flight handles, `host` and
/// `pendingSubmit` are used under `lock`; a tag's slots (`done`, `bounce`)
/// belong to the request in flight on it, between `start` and its end.
public final class FileQueue: RingGuest, @unchecked Sendable {
    /// Signalled by the ring for each completion (polled mode only).
    let event: CompletionEvent?
    private let ring: Ring
    private let file: FileDescriptor
    private let depth: Int
    private let lock = Mutex(())
    /// The handle of each request in flight, by tag: the driver's ownership.
    private let inFlight: UnsafeMutablePointer<RequestRef<FileDriver>?>
    /// Bytes of each read or write done so far, for continuing a short one.
    private let done: UnsafeMutablePointer<Int>
    /// With O_DIRECT, the memory alignment the file needs; a request whose
    /// buffer is not aligned (an in-process caller's array; the kernel's
    /// pages always are) goes through an aligned bounce buffer, by tag.
    private let alignment: Int?
    private let bounce: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Set in init and cleared by `stop`, when no other thread uses the queue.
    private var completionThread: pthread_t?
    /// A submit failed; the SQEs it left go with the next one. Under `lock`.
    private var pendingSubmit = false
    /// The transport's ring, while it is lent. Under `lock`.
    private var host: Ring?

    init(driver: FileDriver, index: Int, depth: Int, completions: FileDriver.Completions) throws(BlockError) {
        file = driver.descriptor
        self.depth = depth
        do {
            ring = try Ring(entries: UInt32(min(depth + 1, 4096)))
        } catch {
            throw BlockError(errno: error.errno.rawValue)
        }
        inFlight = .allocate(capacity: depth)
        for tag in 0..<depth { (inFlight + tag).initialize(to: nil) }
        done = .allocate(capacity: depth)
        done.initialize(repeating: 0, count: depth)
        alignment = driver.usesDirectIO ? Int(driver.minimumBlockSize) : nil
        bounce = .allocate(capacity: depth)
        bounce.initialize(repeating: nil, count: depth)
        switch completions {
        case .polled:
            // `initQueue` throws the model's error (an errno, as the kernel's
            // init_hctx returns), so the operation goes to the log of none.
            do throws(SystemCallError) {
                let event = CompletionEvent(adopting: try checked("eventfd") { eventfd(0, Int32(EFD_CLOEXEC)) })
                try ring.registerEventFD(FileDescriptor(rawValue: event.descriptor))
                self.event = event
            } catch {
                throw BlockError(errno: error.errno.rawValue)
            }
        case .thread:
            event = nil
            try startCompletionThread(index: index)
        }
    }

    deinit {
        for tag in 0..<depth { _ = (inFlight + tag).move() }
        inFlight.deallocate()
        done.deallocate()
        for tag in 0..<depth { free(bounce[tag]) }
        bounce.deallocate()
    }

    // MARK: Submission

    /// Takes the request and queues its backing I/O; `submit` sends what
    /// is queued to the kernel (the end of a batch).
    func start(_ request: consuming RequestRef<FileDriver>, submit: Bool) {
        let tag = request.tag
        // The slots are this request's until its completion: no lock needed to fill them.
        done[tag] = 0
        bounce[tag] = Self.bounceBuffer(for: request.request, alignment: alignment)
        inFlight[tag] = consume request
        lock.withLock { _ in
            prepare(tag: tag)
            if submit { submitOrFail() }
        }
    }

    /// Sends the queued SQEs to the kernel (`commit_rqs`).
    func submit() {
        lock.withLock { _ in submitOrFail() }
    }

    // MARK: On the transport's ring

    public func join(_ ring: Ring) -> Bool {
        guard completionThread == nil else { return false }
        lock.withLock { _ in host = ring }
        return true
    }

    public func completed(tag: Int, result: Int32) {
        lock.withLock { _ in _ = complete(tag: tag, result: result) }
    }

    public func leave() {
        lock.withLock { _ in host = nil }
    }

    /// The request in flight on `tag`, borrowed from its handle.
    private func request(_ tag: Int) -> Request<FileDriver> {
        switch inFlight[tag] {
        case .some(let handle): return handle.request
        case .none: preconditionFailure("no request in flight on tag \(tag)")
        }
    }

    /// Queues the SQE for what is left of the request of `tag`. Under `lock`.
    private func prepare(tag: Int) {
        let rq = request(tag)
        let ring = host ?? self.ring
        let userData = UserData(.backingIO, tag: tag)
        guard rq.operation != .flush else {
            // A flush has no range: the block layer leaves its sector at -1.
            ring.prepareDataSync(fd: file, userData: userData)
            return
        }
        let offset = Int64(rq.offset) + Int64(done[tag])
        let remaining = rq.byteCount - done[tag]
        let data = (bounce[tag] ?? rq.buffer.baseAddress).map { $0 + done[tag] }
        switch rq.operation {
        case .read:
            ring.prepareRead(fd: file, into: data!, count: remaining, offset: offset, userData: userData)
        case .write:
            ring.prepareWrite(fd: file, from: data!, count: remaining, offset: offset,
                              dataSync: rq.forceUnitAccess, userData: userData)
        case .flush:
            break
        case .discard:
            ring.prepareFallocate(fd: file, mode: FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset: offset,
                                  length: Int64(remaining), userData: userData)
        case .writeZeroes:
            ring.prepareFallocate(fd: file, mode: FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, offset: offset,
                                  length: Int64(remaining), userData: userData)
        }
    }

    /// Submits what is queued. Under `lock`. A submit that fails (the
    /// kernel short of memory, or the completion queue overflowing) leaves
    /// the SQEs queued; they go with the next submit, after completions are taken.
    private func submitOrFail() {
        guard host == nil else { return }  // The ring's owner submits.
        pendingSubmit = (try? ring.submit()) == nil
    }

    // MARK: Completion

    /// Takes the completions that are ready; true when there were any. If
    /// another thread is taking them now, returns false at once. With a
    /// completion thread, that thread takes them all; on a transport's ring,
    /// the transport hands them over (`completed`).
    func poll() -> Bool {
        guard completionThread == nil else { return false }
        return lock.withLockIfAvailable { _ in host == nil && takeCompletions().any } ?? false
    }

    /// Ends the requests whose backing I/O completed and resubmits the rest
    /// of short ones. Under `lock`.
    private func takeCompletions() -> (any: Bool, stop: Bool) {
        var resubmit = pendingSubmit, stop = false
        let count = ring.drain { userData, result in
            switch userData.kind {
            case .backingIO: if complete(tag: Int(userData.tag), result: result) { resubmit = true }
            case .stop: stop = true
            case .ublkCommand, .control, .handOver, .completionEvent:
                preconditionFailure("\(userData) completed on a file queue's own ring")
            }
        }
        if resubmit { submitOrFail() }
        return (count > 0, stop)
    }

    /// Accounts the completion of `tag`'s SQE: ends the request, or queues
    /// the rest of a short read or write and returns true. Under `lock`.
    private func complete(tag: Int, result: Int32) -> Bool {
        guard result >= 0 else {
            end(tag: tag, status: BlkStatus(errno: -result))
            return false
        }
        let rq = request(tag)
        guard rq.operation.carriesData else {
            end(tag: tag, status: .ok)
            return false
        }
        done[tag] += Int(result)
        if done[tag] >= rq.byteCount {
            end(tag: tag, status: .ok)
            return false
        }
        guard result > 0 else {
            // The end of the file: what is left of a read reads as zeros, and the request fails.
            if rq.operation == .read { memset((bounce[tag] ?? rq.buffer.baseAddress!) + done[tag], 0, rq.byteCount - done[tag]) }
            end(tag: tag, status: .ioerr)
            return false
        }
        prepare(tag: tag)
        return true
    }

    private func end(tag: Int, status: BlkStatus) {
        guard let request = (inFlight + tag).move() else { return }
        (inFlight + tag).initialize(to: nil)
        if let copy = bounce[tag] {
            let rq = request.request
            if rq.operation == .read { rq.buffer.baseAddress!.copyMemory(from: copy, byteCount: rq.byteCount) }
            free(copy)
            bounce[tag] = nil
        }
        _ = request.end(status)
    }

    /// An aligned copy of a write's data, or room for a read, when the
    /// request's buffer is not aligned for O_DIRECT; nil when it is.
    private static func bounceBuffer(for rq: Request<FileDriver>, alignment: Int?) -> UnsafeMutableRawPointer? {
        guard let alignment, rq.operation.carriesData, let base = rq.buffer.baseAddress,
              Int(bitPattern: base) % alignment != 0 || rq.byteCount % alignment != 0 else { return nil }
        let size = (rq.byteCount + alignment - 1) / alignment * alignment
        guard let copy = aligned_alloc(4096, (size + 4095) / 4096 * 4096) else { return nil }
        if rq.operation == .write { copy.copyMemory(from: base, byteCount: rq.byteCount) }
        return copy
    }

    // MARK: The completion thread

    private func startCompletionThread(index: Int) throws(BlockError) {
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            let queue = Unmanaged<FileQueue>.fromOpaque(argument!).takeRetainedValue()
            queue.runCompletionThread()
            return nil
        }, box.toOpaque())
        guard result == 0 else {
            box.release()
            throw BlockError(errno: result)
        }
        completionThread = thread
    }

    /// Waits for completions and takes them, until the stop no-op arrives.
    private func runCompletionThread() {
        while true {
            // It fails only with the ring itself broken (EFAULT, EBADF): the
            // drain below then finds nothing, and the wait fails again.
            try? ring.waitForCompletion()
            if lock.withLock({ _ in takeCompletions().stop }) { return }
        }
    }

    /// Ends the completion thread, if there is one; called from `exitQueue`
    /// when no request is in flight.
    func stop() {
        guard let thread = completionThread else { return }
        lock.withLock { _ in
            ring.prepareNop(userData: UserData(.stop))
            // The stop must reach the thread: a submit the kernel refuses
            // for want of memory (EAGAIN, ENOMEM) is made again.
            while (try? ring.submit()) == nil { sched_yield() }
        }
        let joined = pthread_join(thread, nil)
        precondition(joined == 0, "\(SystemCallError("pthread_join of a file queue's completion thread", errno: joined))")
        completionThread = nil
    }
}
