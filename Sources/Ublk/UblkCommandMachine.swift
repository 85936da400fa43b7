import BlockModel
import BlockTransport
import CURing
#if canImport(Glibc)
import Glibc
#endif

/// The per-tag command protocol of one ublk queue, without the io_uring
/// ring or the mmap of /dev/ublkcN, so that a test can play the kernel.
///
/// Every tag starts with a UBLK_IO_FETCH_REQ; a completion with
/// UBLK_IO_RES_OK means the kernel put a request in the tag's
/// `ublksrv_io_desc`, which the server dispatches; its end goes back as
/// UBLK_IO_COMMIT_AND_FETCH_REQ, which is also the next fetch. Any other
/// result (UBLK_IO_RES_ABORT on STOP_DEV) ends the tag's service.
///
/// A plain struct with one array of states, made once: the queue's hot
/// path allocates nothing and calls nothing dynamically. Used only on the
/// queue's thread, as ublk requires of all a queue's commands.
struct UblkCommandMachine {
    let queue: Int
    /// Whether the kernel copies data to and from the tag buffers (no
    /// UBLK_F_USER_COPY); without, commands carry no buffer address and
    /// requests no buffer.
    let kernelCopies: Bool
    /// `depth` buffers of `maxIOBytes`, tag order.
    private let buffers: UnsafeMutableRawPointer
    private let maxIOBytes: Int
    private(set) var states: [UblkIOState]
    private(set) var abortedTags = 0

    init(queue: Int, depth: Int, buffers: UnsafeMutableRawPointer, maxIOBytes: Int, kernelCopies: Bool) {
        self.queue = queue
        self.kernelCopies = kernelCopies
        self.buffers = buffers
        self.maxIOBytes = maxIOBytes
        states = Array(repeating: .unfetched, count: depth)
    }

    var depth: Int { states.count }

    /// Every tag aborted: the queue's service is over.
    var done: Bool { abortedTags == states.count }

    /// The first UBLK_IO_FETCH_REQ of every tag, tag order. Once only.
    mutating func start() -> [UblkIOCommand] {
        precondition(states.allSatisfy { $0 == .unfetched }, "ublk queue \(queue) started twice")
        for tag in states.indices { states[tag] = .fetchActive }
        return states.indices.map { command(UBLK_IO_FETCH_REQ, tag: $0, result: 0) }
    }

    /// The kernel completed the command of `tag` with `result`; `descriptor`
    /// is the tag's `ublksrv_io_desc`, meaningful only when the result is OK.
    /// Inlined, as the code was before it moved here: once per request.
    @inline(__always)
    mutating func completed(tag: Int, result: Int32, descriptor: ublksrv_io_desc) throws(UblkViolation) -> UblkCompletion {
        let state = try self.state(tag)
        guard state.commandOutstanding else { throw violation(tag, .completionWithoutCommand(state)) }
        guard result == UBLK_IO_RES_OK else {
            // UBLK_IO_RES_ABORT (-ENODEV) on stop; anything else also ends this tag's service.
            states[tag] = .aborted
            abortedTags += 1
            return .aborted
        }
        guard let operation = Self.operation(UInt8(truncatingIfNeeded: descriptor.op_flags)) else {
            states[tag] = .commitActive
            return .commit(command(UBLK_IO_COMMIT_AND_FETCH_REQ, tag: tag, result: -EOPNOTSUPP))
        }
        states[tag] = .ownedByServer
        return .dispatch(pending(tag: tag, operation: operation, descriptor))
    }

    /// The request of `tag` ended with `result` (see `commitResult`): the
    /// COMMIT_AND_FETCH_REQ that returns it and fetches the next one.
    @inline(__always)
    mutating func ended(tag: Int, result: Int32) throws(UblkViolation) -> UblkIOCommand {
        switch try state(tag) {
        case .ownedByServer:
            states[tag] = .commitActive
            return command(UBLK_IO_COMMIT_AND_FETCH_REQ, tag: tag, result: result)
        case .fetchActive: throw violation(tag, .endOfUnfetchedTag)
        case .commitActive: throw violation(tag, .endedTwice)
        case let other: throw violation(tag, .endWithoutService(other))
        }
    }

    /// The result a COMMIT_AND_FETCH_REQ carries: the bytes moved for an
    /// operation with data, 0 for one without, or -errno.
    static func commitResult(operation: RequestOperation, byteCount: Int, status: BlkStatus) -> Int32 {
        guard status == .ok else { return -status.errno }
        return operation.carriesData ? Int32(byteCount) : 0
    }

    /// The model operation of a UBLK_IO_OP_*, nil for one the model lacks.
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

    func buffer(_ tag: Int) -> UnsafeMutableRawPointer { buffers + tag * maxIOBytes }

    private func state(_ tag: Int) throws(UblkViolation) -> UblkIOState {
        guard states.indices.contains(tag) else { throw violation(tag, .noSuchTag) }
        return states[tag]
    }

    private func violation(_ tag: Int, _ kind: UblkViolation.Kind) -> UblkViolation {
        UblkViolation(queue: queue, tag: tag, kind: kind)
    }

    private func command(_ op: Int32, tag: Int, result: Int32) -> UblkIOCommand {
        UblkIOCommand(op: op, tag: tag, result: result,
                      addr: kernelCopies ? UInt64(UInt(bitPattern: buffer(tag))) : 0)
    }

    /// The request as the driver gets it: a buffer of the request's bytes
    /// only when the kernel copies and the operation moves data.
    private func pending(tag: Int, operation: RequestOperation, _ request: ublksrv_io_desc) -> PendingRequest {
        let bytes = kernelCopies && operation.carriesData ? Int(request.nr_sectors) << 9 : 0
        return PendingRequest(tag: tag, operation: operation, sector: request.start_sector, sectors: request.nr_sectors,
                              buffer: UnsafeMutableRawBufferPointer(start: buffer(tag), count: min(bytes, maxIOBytes)),
                              forceUnitAccess: request.op_flags & UInt32(UBLK_IO_F_FUA) != 0)
    }
}
