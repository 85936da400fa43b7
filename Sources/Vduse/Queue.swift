import BlockModel
import BlockTransport
import CVduse
import Foundation
import Synchronization
import SystemCall
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// One virtqueue served on its own thread: each chain the driver makes
/// available becomes the model request whose tag is the chain's head (heads
/// are unique while in flight, and the ring is no larger than the tag set's
/// depth); its end writes the status byte, fills a used element and, once
/// per wakeup, interrupts the driver if it asked (EVENT_IDX).
///
/// Only this thread touches the ring; ends reported on other threads are
/// handed over, as in the ublk queue.
///
/// `@unchecked Sendable`: off the queue thread, only `ended` (which touches
/// `thread`, atomic, and `handOver`, locked), `stop` and `lastAvail`
/// (atomics and the semaphore) run. The rest is the queue thread's alone.
final class VduseQueue<Driver: Operations>: EndReceiver, @unchecked Sendable {
    /// What a request in flight needs when it ends.
    private struct Slot {
        var status: UnsafeMutableRawPointer?
        /// Bytes the device writes into the chain (used element's `len`).
        var written: UInt32 = 0
        /// A read whose data went through `scratch`: copied back at the end.
        var copyBack: [Segment] = []
        var scratch: UnsafeMutableRawPointer?
        var scratchBytes = 0
    }

    let index: Int
    private let device: VduseDeviceFile
    private let tagSet: TagSet<Driver>
    private var ring: SplitRing
    private let memory: IOTLBCache
    private let eventIndex: Bool
    /// One eventfd wakes the queue for everything but the driver's
    /// completions: the kernel's kick (it is the kick eventfd), an end handed
    /// over from another thread, and the stop. With nothing else to wait for,
    /// a wakeup is one blocking read, not a poll and a read.
    private let handOver: EndHandOver
    private let stopRequested = Atomic<Bool>(false)
    /// `ring.lastAvail` for the message thread (GET_VQ_STATE): the ring
    /// itself is this thread's alone.
    private let takenUpTo = Atomic<UInt16>(0)
    private let completionEvent: CompletionEvent?
    private let thread = QueueThread()
    private var slots: [Slot]
    private var segments: [Segment] = []
    private var batch: [PendingRequest] = []
    private var inFlight = 0
    private var stopping = false
    private let exited = DispatchSemaphore(value: 0)
    private let supportsDiscard: Bool
    private let log: InflightLog.Queue?

    /// `takeOver`: the ring of a server that died, whose progress `log` holds.
    init(index: Int, device: VduseDeviceFile, info: VirtqueueInfo, iotlb: IOTLB, tagSet: TagSet<Driver>,
         eventIndex: Bool, supportsDiscard: Bool, log: InflightLog.Queue?, takeOver: Bool = false) throws(SystemCallError) {
        guard info.size > 0, Int(info.size) <= tagSet.queueDepth else {
            throw SystemCallError("virtqueue \(index) of \(info.size) entries (depth \(tagSet.queueDepth))", errno: EINVAL)
        }
        let cache = IOTLBCache(iotlb)
        let sizes = SplitRing.byteCounts(size: Int(info.size))
        guard let descriptors = cache.pointer(info.descriptors, length: sizes.descriptors),
              let avail = cache.pointer(info.avail, length: sizes.avail),
              let used = cache.pointer(info.used, length: sizes.used) else {
            throw SystemCallError("map the rings of virtqueue \(index)", errno: EFAULT)
        }
        if takeOver, let log {
            ring = SplitRing(size: info.size, descriptors: descriptors, avail: avail, used: used, lastAvail: log.lastAvail,
                             usedIndex: mqgen_load_acquire_u16((used + 2).assumingMemoryBound(to: UInt16.self)))
        } else {
            ring = SplitRing(size: info.size, descriptors: descriptors, avail: avail, used: used, lastAvail: info.availIndex)
            if let log {
                for head in 0..<info.size { log.answered(head) }
                log.lastAvail = info.availIndex
                log.usedLogged = info.availIndex
            }
        }
        self.log = log
        self.index = index
        self.device = device
        self.tagSet = tagSet
        self.memory = cache
        self.eventIndex = eventIndex
        self.supportsDiscard = supportsDiscard
        slots = Array(repeating: Slot(), count: Int(info.size))
        completionEvent = tagSet.driver.completionEvent(queue: tagSet.queues[index])
        batch.reserveCapacity(Int(info.size))
        takenUpTo.store(ring.lastAvail, ordering: .relaxed)
        handOver = try EndHandOver()
        try device.setKickEvent(index, eventfd: handOver.event.descriptor)
    }

    deinit {
        for slot in slots { free(slot.scratch) }
    }

    /// Starts the queue's thread.
    func start() {
        let thread = Thread { [self] in
            serve()
            exited.signal()
        }
        thread.name = "vduse-q\(index)"
        thread.start()
    }

    /// Stops taking requests, waits until every request in flight has ended
    /// (the driver ends them; none is dropped or ended twice), detaches the kick.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        handOver.event.signal()
        exited.wait()
        // Best effort: after a reset the kernel may have let go of the queue already.
        try? device.setKickEvent(index, eventfd: nil)
    }

    /// The avail index this queue has taken up to (GET_VQ_STATE).
    var lastAvail: UInt16 { takenUpTo.load(ordering: .acquiring) }

    private func serve() {
        thread.adopt()
        while true {
            takeAvailable()
            publish()
            if stopping, inFlight == 0 { return }
            let completed = wait()
            if stopRequested.load(ordering: .acquiring) { stopping = true }
            for end in handOver.take() { finish(tag: end.tag, status: UInt8(end.result)) }
            if completed { _ = tagSet.poll(queue: index) }
        }
    }

    /// Sleeps until a kick, a hand-over, the stop or (for a driver with a
    /// completion event) a completion; returns whether completions came.
    private func wait() -> Bool {
        guard let completionEvent else {
            handOver.event.wait()
            return false
        }
        var fds = [pollfd(fd: handOver.event.descriptor.rawValue, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: completionEvent.descriptor, events: Int16(POLLIN), revents: 0)]
        do {
            _ = try checked("poll vduse-q\(index)") { poll(&fds, 2, -1) }
        } catch {
            // ENOMEM, the kernel short of memory for its wait tables: the
            // serve loop looks at the ring and waits again.
            return false
        }
        if fds[0].revents != 0 { handOver.event.wait() }
        guard fds[1].revents != 0 else { return false }
        var count: UInt64 = 0
        let taken = read(completionEvent.descriptor, &count, 8)
        precondition(taken == 8, "\(SystemCallError.last("read the completion event of vduse-q\(index)"))")
        return true
    }

    /// Takes every available chain, dispatches them as one batch, and (with
    /// EVENT_IDX) asks for the next kick, looking again if more came.
    private func takeAvailable() {
        guard !stopping else { return }
        repeat {
            while let head = ring.nextAvailable() {
                log?.taken(head, lastAvail: ring.lastAvail)
                take(head: head)
            }
            if !batch.isEmpty {
                takenUpTo.store(ring.lastAvail, ordering: .releasing)
                tagSet.dispatchBatch(queue: index, batch)
                batch.removeAll(keepingCapacity: true)
            }
        } while eventIndex && ring.armKick()
    }

    /// Makes the used elements visible and interrupts if the driver wants
    /// it; then clears them from the in-flight log.
    private func publish() {
        let from = ring.publishedIndex
        if ring.publish(eventIndex: eventIndex) { interrupt() }
        guard let log, from != ring.publishedIndex else { return }
        var position = from
        while position != ring.publishedIndex {
            log.answered(ring.usedHead(at: position))
            position &+= 1
        }
        log.usedLogged = position
    }

    /// VDUSE_VQ_INJECT_IRQ. It fails only once the device is reset or
    /// broken, when no driver waits for the interrupt: nothing to do then.
    private func interrupt() {
        try? device.injectInterrupt(index)
    }

    /// After a server died: answers with IOERR every chain it took and did
    /// not answer (its log says which), so the driver's I/O ends.
    func failAbandoned() -> Int {
        guard let log else { return 0 }
        // Published, but killed before the flags were cleared.
        var position = log.usedLogged
        while position != ring.publishedIndexInRing {
            log.answered(ring.usedHead(at: position))
            position &+= 1
        }
        var failed = 0
        for head in 0..<ring.size where log.isTaken(head) {
            do throws(ChainError) {
                try ring.walk(head: head, in: memory, into: &segments)
                answerAtOnce(head: head, segments.last?.writable == true ? segments.last : nil, status: UInt8(VIRTIO_BLK_S_IOERR))
            } catch {
                ring.addUsed(head: head, written: 0)
            }
            failed += 1
        }
        if ring.publish(eventIndex: eventIndex) || failed > 0 { interrupt() }
        log.usedLogged = ring.publishedIndex
        for head in 0..<ring.size { log.answered(head) }
        return failed
    }

    private func take(head: UInt16) {
        guard Int(head) < slots.count else { return } // A driver bug: nothing to answer.
        do throws(ChainError) {
            try ring.walk(head: head, in: memory, into: &segments)
        } catch {
            ring.addUsed(head: head, written: 0)
            return
        }
        guard let chain = BlkChain(segments), chain.directionsMatch else {
            answerAtOnce(head: head, segments.last?.writable == true ? segments.last : nil, status: UInt8(VIRTIO_BLK_S_IOERR))
            return
        }
        slots[Int(head)].status = chain.status
        slots[Int(head)].copyBack.removeAll(keepingCapacity: true)
        switch chain.type {
        case UInt32(VIRTIO_BLK_T_IN): readWrite(head: head, chain, operation: .read)
        case UInt32(VIRTIO_BLK_T_OUT): readWrite(head: head, chain, operation: .write)
        case UInt32(VIRTIO_BLK_T_FLUSH): queue(head: head, operation: .flush, sector: 0, sectors: 0, written: 1)
        case UInt32(VIRTIO_BLK_T_GET_ID): getID(head: head, chain)
        case UInt32(VIRTIO_BLK_T_DISCARD) where supportsDiscard: range(head: head, chain, operation: .discard)
        case UInt32(VIRTIO_BLK_T_WRITE_ZEROES) where supportsDiscard: range(head: head, chain, operation: .writeZeroes)
        default: end(head: head, written: 1, status: UInt8(VIRTIO_BLK_S_UNSUPP))
        }
    }

    private func readWrite(head: UInt16, _ chain: BlkChain, operation: RequestOperation) {
        let bytes = chain.dataBytes
        guard bytes % 512 == 0 else { return end(head: head, written: 1, status: UInt8(VIRTIO_BLK_S_IOERR)) }
        let buffer = Driver.movesData ? dataBuffer(head: head, chain, bytes: bytes, isRead: operation == .read)
                                      : UnsafeMutableRawBufferPointer(start: nil, count: 0)
        queue(head: head, operation: operation, sector: chain.sector, sectors: UInt32(bytes >> 9),
              written: operation == .read ? UInt32(bytes) + 1 : 1, buffer: buffer)
    }

    /// The request's buffer: the data itself when it is one page-aligned
    /// segment (what O_DIRECT drivers need), else the tag's scratch buffer,
    /// filled from a write's segments now or copied to a read's at the end.
    private func dataBuffer(head: UInt16, _ chain: BlkChain, bytes: Int, isRead: Bool) -> UnsafeMutableRawBufferPointer {
        if chain.data.count == 1, Int(bitPattern: chain.data[0].base) % 4096 == 0 {
            return UnsafeMutableRawBufferPointer(start: chain.data[0].base, count: bytes)
        }
        let scratch = scratch(head: head, bytes: bytes)
        if isRead {
            slots[Int(head)].copyBack = chain.data
        } else {
            var offset = 0
            for segment in chain.data {
                (scratch + offset).copyMemory(from: segment.base, byteCount: segment.length)
                offset += segment.length
            }
        }
        return UnsafeMutableRawBufferPointer(start: scratch, count: bytes)
    }

    private func scratch(head: UInt16, bytes: Int) -> UnsafeMutableRawPointer {
        if slots[Int(head)].scratchBytes < bytes {
            free(slots[Int(head)].scratch)
            var memory: UnsafeMutableRawPointer?
            _ = posix_memalign(&memory, 4096, max(bytes, 4096))
            slots[Int(head)].scratch = memory
            slots[Int(head)].scratchBytes = max(bytes, 4096)
        }
        return slots[Int(head)].scratch!
    }

    /// DISCARD and WRITE_ZEROES carry one `struct virtio_blk_discard_write_zeroes`.
    private func range(head: UInt16, _ chain: BlkChain, operation: RequestOperation) {
        let size = MemoryLayout<virtio_blk_discard_write_zeroes>.size
        guard chain.data.count == 1, chain.data[0].length == size else {
            return end(head: head, written: 1, status: UInt8(VIRTIO_BLK_S_IOERR))
        }
        let range = chain.data[0].base.loadUnaligned(as: virtio_blk_discard_write_zeroes.self)
        queue(head: head, operation: operation, sector: range.sector, sectors: range.num_sectors, written: 1)
    }

    /// GET_ID: up to 20 bytes of serial number, NUL-padded (VIRTIO_BLK_ID_BYTES).
    private func getID(head: UInt16, _ chain: BlkChain) {
        let id = Array("mqgen-vduse-\(index)".utf8) + [UInt8](repeating: 0, count: 20)
        var offset = 0
        for segment in chain.data where offset < 20 {
            let take = min(segment.length, 20 - offset)
            segment.base.copyMemory(from: Array(id[offset..<(offset + take)]), byteCount: take)
            offset += take
        }
        end(head: head, written: UInt32(offset) + 1, status: UInt8(VIRTIO_BLK_S_OK))
    }

    private func queue(head: UInt16, operation: RequestOperation, sector: UInt64, sectors: UInt32, written: UInt32,
                       buffer: UnsafeMutableRawBufferPointer = .init(start: nil, count: 0)) {
        slots[Int(head)].written = written
        inFlight += 1
        batch.append(PendingRequest(tag: Int(head), operation: operation, sector: sector, sectors: sectors, buffer: buffer))
    }

    private func answerAtOnce(head: UInt16, _ status: Segment?, status byte: UInt8) {
        if let status { status.base.storeBytes(of: byte, toByteOffset: status.length - 1, as: UInt8.self) }
        ring.addUsed(head: head, written: status == nil ? 0 : 1)
    }

    private func end(head: UInt16, written: UInt32, status: UInt8) {
        slots[Int(head)].status?.storeBytes(of: status, as: UInt8.self)
        ring.addUsed(head: head, written: written)
    }

    /// `onEnd` of the tag set, on whichever thread ended the request.
    func ended(_ request: Request<Driver>, status: BlkStatus) {
        let byte = virtioBlkStatus(ok: status == .ok, unsupported: status == .notsupp)
        guard thread.isCurrent else { return handOver.post(tag: request.tag, result: Int32(byte)) }
        finish(tag: request.tag, status: byte)
    }

    private func finish(tag: Int, status: UInt8) {
        inFlight -= 1
        // After a reset the rings belong to no one: the request has ended
        // in the model, and nothing more is written.
        guard !stopping else { return }
        var slot = slots[tag]
        if status == UInt8(VIRTIO_BLK_S_OK), !slot.copyBack.isEmpty, let scratch = slot.scratch {
            var offset = 0
            for segment in slot.copyBack {
                segment.base.copyMemory(from: scratch + offset, byteCount: segment.length)
                offset += segment.length
            }
        }
        slot.copyBack.removeAll(keepingCapacity: true)
        slots[tag] = slot
        end(head: UInt16(tag), written: status == UInt8(VIRTIO_BLK_S_OK) ? slot.written : 1, status: status)
    }
}
