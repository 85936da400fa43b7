import BlockModel
import BlockTransport
import CURing
import URing
#if canImport(Glibc)
import Glibc
#endif

/// One ublk hardware queue, served on its own thread: every tag has a
/// FETCH_REQ outstanding; a completion is a request from the kernel, which
/// becomes the model `Request` with the same queue and tag; its end is
/// committed with COMMIT_AND_FETCH_REQ.
///
/// ublk requires that all commands of a queue come from one task, so the
/// ring is made and used only on the queue's thread; an end reported from
/// another thread is handed over through an eventfd.
final class UblkQueue<Driver: Operations>: EndReceiver, @unchecked Sendable {
    let index: Int
    let depth: Int
    private let charFD: Int32
    private let tagSet: TagSet<Driver>
    private let maxIOBytes: Int
    /// Whether the kernel copies data to and from our buffers (no USER_COPY);
    /// without, commands carry no buffer address and requests no buffer.
    private let kernelCopies: Bool
    private let descriptors: UnsafeMutablePointer<ublksrv_io_desc>
    private let descriptorBytes: Int
    private let buffers: UnsafeMutableRawPointer
    private var mapped = true
    private var ring: Ring?
    private var aborted = 0
    private var thread = QueueThread()
    private let handOver = EndHandOver()
    /// Where the eventfd read of a hand-over lands: a stable address, since
    /// the kernel writes it after the SQE is queued.
    private let wakeCount = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    private static var wakeTag: UInt64 { UInt64.max }
    /// Requests fetched in one wakeup, dispatched together after it.
    private var batch: [PendingRequest] = []
    /// The driver's completion event (nil when its requests end by themselves).
    private let completionEvent: CompletionEvent?
    private let completionCount = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    private static var completionTag: UInt64 { UInt64.max - 1 }
    /// The queue's driver data, when it can put its I/O on this queue's ring
    /// (the file driver's backing I/O), and the user-data bit of its SQEs.
    private var guest: RingGuest?
    private static var guestMarker: UInt64 { 1 << 62 }

    init(index: Int, depth: Int, charFD: Int32, tagSet: TagSet<Driver>, maxIOBytes: Int,
         kernelCopies: Bool) throws(UblkError) {
        self.kernelCopies = kernelCopies
        self.index = index
        self.depth = depth
        self.charFD = charFD
        self.tagSet = tagSet
        self.maxIOBytes = maxIOBytes
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let descriptorSize = MemoryLayout<ublksrv_io_desc>.stride
        descriptorBytes = (depth * descriptorSize + page - 1) / page * page
        let stride = (Int(UBLK_MAX_QUEUE_DEPTH) * descriptorSize + page - 1) / page * page
        let mapped = mmap(nil, descriptorBytes, PROT_READ, MAP_SHARED | MAP_POPULATE, charFD,
                          off_t(UBLKSRV_CMD_BUF_OFFSET) + off_t(index * stride))
        guard let mapped, mapped != MAP_FAILED else { throw UblkError("mmap descriptors of queue \(index)", errno: errno) }
        descriptors = mapped.bindMemory(to: ublksrv_io_desc.self, capacity: depth)
        guard let data = mmap(nil, depth * maxIOBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              data != MAP_FAILED else {
            munmap(mapped, descriptorBytes)
            throw UblkError("mmap buffers of queue \(index)", errno: errno)
        }
        buffers = data
        completionEvent = tagSet.driver.completionEvent(queue: tagSet.queues[index])
        batch.reserveCapacity(depth)
    }

    deinit {
        unmap()
        wakeCount.deallocate()
        completionCount.deallocate()
    }

    /// Drops the mapping of /dev/ublkcN (which DEL_DEV waits for) and the
    /// buffers. Only after the queue's thread has finished.
    func unmap() {
        guard mapped else { return }
        mapped = false
        munmap(descriptors, descriptorBytes)
        munmap(buffers, depth * maxIOBytes)
    }

    private func buffer(_ tag: Int) -> UnsafeMutableRawPointer { buffers + tag * maxIOBytes }

    /// Runs on the queue's thread until every tag is aborted (STOP_DEV, or
    /// the device going away). `ready` is called once all fetches are queued.
    func serve(ready: () -> Void) throws(UblkError) {
        thread.adopt()
        // One submitter (this thread), completions run when it waits: no
        // interrupting task work, fewer wakeups. Room for a command and a
        // guest's SQE per tag.
        let ring: Ring
        do {
            ring = try Ring(entries: UInt32(2 * depth + 2),
                            flags: IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)
        } catch {
            throw UblkError(error)
        }
        self.ring = ring
        lendRing(ring)
        defer {
            guest?.leave()
            guest = nil
            self.ring = nil
        }
        for tag in 0..<depth { queueCommand(UBLK_IO_FETCH_REQ, tag: tag, result: 0) }
        armWake()
        if guest == nil { armCompletions() }
        do throws(RingError) {
            try ring.submitAndWait(0)
            ready()
            while aborted < depth {
                try ring.submitAndWait(1)
                ring.drain { userData, result in
                    switch userData {
                    case Self.wakeTag: takeHandedOver()
                    case Self.completionTag: takeCompletions()
                    case _ where userData & Self.guestMarker != 0:
                        guest?.completed(userData: userData & ~Self.guestMarker, result: result)
                    default: fetched(tag: Int(userData), result: result)
                    }
                }
                dispatchBatch()
            }
        } catch {
            throw UblkError(error)
        }
    }

    /// Offers the ring to the driver's queue data, if it can use it: its I/O
    /// then leaves with our commits in one `io_uring_enter`, and its
    /// completions come back here, not through its completion event.
    private func lendRing(_ ring: Ring) {
        guard let candidate = tagSet.queues[index].data as? RingGuest,
              candidate.join(ring, marker: Self.guestMarker) else { return }
        guest = candidate
    }

    /// A FETCH_REQ (or COMMIT_AND_FETCH_REQ) completed: the kernel has a
    /// request for this tag, which waits for the rest of the batch.
    private func fetched(tag: Int, result: Int32) {
        guard result == UBLK_IO_RES_OK else {
            // UBLK_IO_RES_ABORT (-ENODEV) on stop; anything else also ends this tag's service.
            aborted += 1
            return
        }
        guard Self.operation(UInt8(truncatingIfNeeded: descriptors[tag].op_flags)) != nil else {
            commit(tag: tag, result: -EOPNOTSUPP)
            return
        }
        batch.append(pending(tag: tag))
    }

    private func dispatchBatch() {
        tagSet.dispatchBatch(queue: index, batch)
        batch.removeAll(keepingCapacity: true)
    }

    private func pending(tag: Int) -> PendingRequest {
        let descriptor = descriptors[tag]
        let operation = Self.operation(UInt8(truncatingIfNeeded: descriptor.op_flags))!
        let bytes = kernelCopies && operation.carriesData ? Int(descriptor.nr_sectors) << 9 : 0
        return PendingRequest(tag: tag, operation: operation, sector: descriptor.start_sector, sectors: descriptor.nr_sectors,
                              buffer: UnsafeMutableRawBufferPointer(start: buffer(tag), count: min(bytes, maxIOBytes)),
                              forceUnitAccess: descriptor.op_flags & UInt32(UBLK_IO_F_FUA) != 0)
    }

    /// `onEnd` of the tag set: commit the result for this tag.
    func ended(_ request: Request<Driver>, status: BlkStatus) {
        let moved = request.operation.carriesData ? request.byteCount : 0
        let result: Int32 = status == .ok ? Int32(moved) : -status.errno
        guard thread.isCurrent else {
            handOver.post(tag: request.tag, result: result)
            return
        }
        commit(tag: request.tag, result: result)
    }

    private func commit(tag: Int, result: Int32) {
        queueCommand(UBLK_IO_COMMIT_AND_FETCH_REQ, tag: tag, result: result)
    }

    private func queueCommand(_ nr: Int32, tag: Int, result: Int32) {
        var command = ublksrv_io_cmd()
        command.q_id = UInt16(index)
        command.tag = UInt16(tag)
        command.result = result
        command.addr = kernelCopies ? UInt64(UInt(bitPattern: buffer(tag))) : 0
        ring?.prepareCommand(fd: charFD, op: mqgen_ublk_io_op(UInt32(nr)), command, userData: UInt64(tag))
    }

    private func armWake() {
        ring?.prepareRead(fd: handOver.descriptor, into: wakeCount, count: 8, offset: 0, userData: Self.wakeTag)
    }

    /// Waits on the driver's completion event, if it has one: when it fires,
    /// the driver's completions are taken on this thread (`poll`), as an
    /// interrupt handler would, and the requests they end are committed
    /// without a hand-over.
    private func armCompletions() {
        guard let event = completionEvent else { return }
        ring?.prepareRead(fd: event.descriptor, into: completionCount, count: 8, offset: 0, userData: Self.completionTag)
    }

    private func takeCompletions() {
        _ = tagSet.poll(queue: index)
        armCompletions()
    }

    private func takeHandedOver() {
        for end in handOver.take() { commit(tag: end.tag, result: end.result) }
        armWake()
    }

    static func operation(_ op: UInt8) -> RequestOperation? {
        switch Int32(op) {
        case UBLK_IO_OP_READ: .read
        case UBLK_IO_OP_WRITE: .write
        case UBLK_IO_OP_FLUSH: .flush
        case UBLK_IO_OP_DISCARD: .discard
        case UBLK_IO_OP_WRITE_ZEROES: .writeZeroes
        default: nil
        }
    }
}
