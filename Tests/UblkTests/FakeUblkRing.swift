import BlockModel
import BlockTransport
import CURing
@testable import Ublk

/// The kernel side of one ublk queue, played by the test as the ublk driver
/// would: the queue's `ublksrv_io_desc` array (what the server maps from
/// /dev/ublkcN), the tag buffers, and the commands the server queued. A
/// request is posted only on a tag with a command outstanding, as the
/// kernel completes only commands it holds; `complete` breaks that rule.
final class FakeUblkRing {
    let depth: Int
    let maxIOBytes: Int
    let kernelCopies: Bool
    let descriptors: UnsafeMutablePointer<ublksrv_io_desc>
    let buffers: UnsafeMutableRawPointer
    var machine: UblkCommandMachine
    /// Commands queued since the last `takeQueued`, oldest first.
    private var queued: [UblkIOCommand] = []
    /// Tags whose command the kernel holds: every command queued and not completed.
    private(set) var outstanding: Set<Int> = []
    /// What the server dispatched, by tag, until it ends.
    private(set) var dispatched: [Int: PendingRequest] = [:]

    init(depth: Int = 8, maxIOBytes: Int = 64 * 1024, kernelCopies: Bool) {
        self.depth = depth
        self.maxIOBytes = maxIOBytes
        self.kernelCopies = kernelCopies
        descriptors = .allocate(capacity: depth)
        descriptors.initialize(repeating: ublksrv_io_desc(), count: depth)
        buffers = .allocate(byteCount: depth * maxIOBytes, alignment: 4096)
        machine = UblkCommandMachine(queue: 0, depth: depth, buffers: buffers, maxIOBytes: maxIOBytes,
                                     kernelCopies: kernelCopies)
    }

    deinit {
        descriptors.deallocate()
        buffers.deallocate()
    }

    /// Where the kernel copies tag `tag`'s data: the test's own arithmetic.
    func buffer(_ tag: Int) -> UnsafeMutableRawPointer { buffers + tag * maxIOBytes }

    /// The address a command of `tag` must carry: its buffer only when the kernel copies.
    func addr(_ tag: Int) -> UInt64 { kernelCopies ? UInt64(UInt(bitPattern: buffer(tag))) : 0 }

    func start() {
        for command in machine.start() { receive(command) }
    }

    /// The kernel puts a request in `descriptors[tag]` and completes the
    /// tag's command with UBLK_IO_RES_OK.
    @discardableResult
    func post(tag: Int, op: Int32, flags: UInt32 = 0, sector: UInt64, sectors: UInt32) throws(UblkViolation) -> UblkCompletion {
        precondition(outstanding.contains(tag), "the kernel holds no command of tag \(tag)")
        var request = ublksrv_io_desc()
        request.op_flags = UInt32(op) | flags
        request.nr_sectors = sectors
        request.start_sector = sector
        descriptors[tag] = request
        return try complete(tag: tag, result: UBLK_IO_RES_OK)
    }

    /// Completes the command of `tag` with `result`, held or not.
    @discardableResult
    func complete(tag: Int, result: Int32) throws(UblkViolation) -> UblkCompletion {
        let completion = try machine.completed(tag: tag, result: result, descriptor: descriptors[tag])
        outstanding.remove(tag)
        switch completion {
        case .dispatch(let pending): dispatched[pending.tag] = pending
        case .commit(let command): receive(command)
        case .aborted: break
        }
        return completion
    }

    /// The driver ends the request dispatched on `tag`, as UblkQueue reports
    /// it: the bytes are the request's sectors, not the buffer's size.
    func end(tag: Int, status: BlkStatus) throws(UblkViolation) {
        guard let pending = dispatched[tag] else { return try end(tag: tag, result: 0) }
        try end(tag: tag, result: UblkCommandMachine.commitResult(operation: pending.operation,
                                                                  byteCount: Int(pending.sectors) << 9, status: status))
    }

    func end(tag: Int, result: Int32) throws(UblkViolation) {
        receive(try machine.ended(tag: tag, result: result))
        dispatched[tag] = nil
    }

    func takeQueued() -> [UblkIOCommand] {
        defer { queued.removeAll() }
        return queued
    }

    private func receive(_ command: UblkIOCommand) {
        queued.append(command)
        outstanding.insert(command.tag)
    }
}
