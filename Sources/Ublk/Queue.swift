import BlockModel
import BlockTransport
import CURing
import SystemCall
import SystemPackage
import URing
#if canImport(Glibc)
import Glibc
#endif

/// One ublk hardware queue, served on its own thread: every tag has a
/// FETCH_REQ outstanding; a completion is a request from the kernel, which
/// becomes the model `Request` with the same queue and tag; its end is
/// committed with COMMIT_AND_FETCH_REQ. The per-tag protocol is
/// `UblkCommandMachine`'s; this type adds the ring and the mappings.
///
/// ublk requires that all commands of a queue come from one task, so the
/// ring is made and used only on the queue's thread; an end reported from
/// another thread is handed over through an eventfd.
///
/// `@unchecked Sendable`: the tag set's end callback may run on a driver's
/// thread, and there it touches only `thread` (atomic) and `handOver`
/// (locked). Everything else is the queue thread's alone, or set in init.
final class UblkQueue<Driver: Operations>: EndReceiver, @unchecked Sendable {
    let index: Int
    let depth: Int
    private let charFD: FileDescriptor
    private let tagSet: TagSet<Driver>
    private let maxIOBytes: Int
    private let descriptors: UnsafeMutablePointer<ublksrv_io_desc>
    private let descriptorBytes: Int
    private let buffers: UnsafeMutableRawPointer
    private var mapped = true
    private var ring: Ring?
    /// Each tag's state; the queue thread's alone.
    private var machine: UblkCommandMachine
    private let thread = QueueThread()
    private let handOver: EndHandOver
    /// Where the eventfd read of a hand-over lands: a stable address, since
    /// the kernel writes it after the SQE is queued.
    private let wakeCount = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    /// Requests fetched in one wakeup, dispatched together after it.
    private var batch: [PendingRequest] = []
    /// The driver's completion event (nil when its requests end by themselves).
    private let completionEvent: CompletionEvent?
    private let completionCount = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    /// The queue's driver data, when it can put its I/O on this queue's ring
    /// (the file driver's backing I/O): its SQEs' completions are `backingIO`.
    private var guest: RingGuest?

    init(index: Int, depth: Int, charFD: FileDescriptor, tagSet: TagSet<Driver>, maxIOBytes: Int,
         kernelCopies: Bool) throws(SystemCallError) {
        self.index = index
        self.depth = depth
        self.charFD = charFD
        self.tagSet = tagSet
        self.maxIOBytes = maxIOBytes
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let descriptorSize = MemoryLayout<ublksrv_io_desc>.stride
        descriptorBytes = (depth * descriptorSize + page - 1) / page * page
        let stride = (Int(UBLK_MAX_QUEUE_DEPTH) * descriptorSize + page - 1) / page * page
        let mapped = try mapMemory("mmap descriptors of queue \(index)", length: descriptorBytes, protection: PROT_READ,
                                   flags: MAP_SHARED | MAP_POPULATE, fd: charFD.rawValue,
                                   offset: off_t(UBLKSRV_CMD_BUF_OFFSET) + off_t(index * stride))
        do throws(SystemCallError) {
            buffers = try mapMemory("mmap buffers of queue \(index)", length: depth * maxIOBytes,
                                    protection: PROT_READ | PROT_WRITE, flags: MAP_PRIVATE | MAP_ANONYMOUS)
            handOver = try EndHandOver()
        } catch {
            unmapMemory(mapped, length: descriptorBytes)
            throw error
        }
        descriptors = mapped.bindMemory(to: ublksrv_io_desc.self, capacity: depth)
        machine = UblkCommandMachine(queue: index, depth: depth, buffers: buffers, maxIOBytes: maxIOBytes,
                                     kernelCopies: kernelCopies)
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
        unmapMemory(descriptors, length: descriptorBytes)
        unmapMemory(buffers, length: depth * maxIOBytes)
    }

    /// Runs on the queue's thread until every tag is aborted (STOP_DEV, or
    /// the device going away). `ready` is called once all fetches are queued.
    func serve(ready: () -> Void) throws(SystemCallError) {
        thread.adopt()
        // One submitter (this thread), completions run when it waits: no
        // interrupting task work, fewer wakeups. Room for a command and a
        // guest's SQE per tag.
        let ring = try Ring(entries: UInt32(2 * depth + 2),
                            flags: IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)
        self.ring = ring
        lendRing(ring)
        defer {
            guest?.leave()
            guest = nil
            self.ring = nil
        }
        for command in machine.start() { queueCommand(command) }
        armWake()
        if guest == nil { armCompletions() }
        try ring.submitAndWait(0)
        ready()
        while !machine.done {
            try ring.submitAndWait(1)
            ring.drain(completed)
            dispatchBatch()
        }
    }

    /// One completion of the queue's ring, by what its SQE was.
    private func completed(_ userData: UserData, result: Int32) {
        switch userData.kind {
        case .ublkCommand: fetched(tag: Int(userData.tag), result: result)
        case .handOver:
            eventRead(userData, result: result)
            takeHandedOver()
        case .completionEvent:
            eventRead(userData, result: result)
            takeCompletions()
        case .backingIO: guest?.completed(tag: Int(userData.tag), result: result)
        case .control, .stop: preconditionFailure("\(userData) completed on the ring of ublk queue \(index)")
        }
    }

    /// An eventfd read is 8 bytes, or EINVAL for a buffer too small: a bug.
    private func eventRead(_ userData: UserData, result: Int32) {
        precondition(result == 8, "\(SystemCallError("read eventfd (\(userData)) of ublk queue \(index)", errno: result))")
    }

    /// Offers the ring to the driver's queue data, if it can use it: its I/O
    /// then leaves with our commits in one `io_uring_enter`, and its
    /// completions come back here, not through its completion event.
    private func lendRing(_ ring: Ring) {
        guard let candidate = tagSet.queues[index].data as? RingGuest,
              candidate.join(ring) else { return }
        guest = candidate
    }

    /// A FETCH_REQ (or COMMIT_AND_FETCH_REQ) completed: the kernel has a
    /// request for this tag, which waits for the rest of the batch (or is
    /// answered at once), or the tag's service is over.
    private func fetched(tag: Int, result: Int32) {
        let completion: UblkCompletion
        do throws(UblkViolation) {
            completion = try machine.completed(tag: tag, result: result, descriptor: descriptors[tag])
        } catch {
            preconditionFailure("\(error)")
        }
        switch completion {
        case .dispatch(let pending): batch.append(pending)
        case .commit(let command): queueCommand(command)
        case .aborted: break
        }
    }

    private func dispatchBatch() {
        tagSet.dispatchBatch(queue: index, batch)
        batch.removeAll(keepingCapacity: true)
    }

    /// `onEnd` of the tag set: commit the result for this tag.
    func ended(_ request: Request<Driver>, status: BlkStatus) {
        let result = UblkCommandMachine.commitResult(operation: request.operation, byteCount: request.byteCount,
                                                     status: status)
        guard thread.isCurrent else {
            handOver.post(tag: request.tag, result: result)
            return
        }
        commit(tag: request.tag, result: result)
    }

    /// Queues the COMMIT_AND_FETCH_REQ of an ended request; on the queue thread.
    private func commit(tag: Int, result: Int32) {
        let command: UblkIOCommand
        do throws(UblkViolation) {
            command = try machine.ended(tag: tag, result: result)
        } catch {
            preconditionFailure("\(error)")
        }
        queueCommand(command)
    }

    private func queueCommand(_ command: UblkIOCommand) {
        var io = ublksrv_io_cmd()
        io.q_id = UInt16(index)
        io.tag = UInt16(command.tag)
        io.result = command.result
        io.addr = command.addr
        ring?.prepareCommand(fd: charFD, op: mqgen_ublk_io_op(UInt32(command.op)), io,
                             userData: UserData(.ublkCommand, tag: command.tag))
    }

    private func armWake() {
        ring?.prepareRead(fd: handOver.event.descriptor, into: wakeCount, count: 8, offset: 0, userData: UserData(.handOver))
    }

    /// Waits on the driver's completion event, if it has one: when it fires,
    /// the driver's completions are taken on this thread (`poll`), as an
    /// interrupt handler would, and the requests they end are committed
    /// without a hand-over.
    private func armCompletions() {
        guard let event = completionEvent else { return }
        ring?.prepareRead(fd: FileDescriptor(rawValue: event.descriptor), into: completionCount, count: 8, offset: 0,
                          userData: UserData(.completionEvent))
    }

    private func takeCompletions() {
        _ = tagSet.poll(queue: index)
        armCompletions()
    }

    private func takeHandedOver() {
        for end in handOver.take() { commit(tag: end.tag, result: end.result) }
        armWake()
    }
}
