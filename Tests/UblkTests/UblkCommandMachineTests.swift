import BlockModel
import BlockTransport
import CURing
import Testing
@testable import Ublk
#if canImport(Glibc)
import Glibc
#endif

/// The ublk command protocol of one queue against a fake kernel
/// (`FakeUblkRing`), as the VDUSE tests drive the split ring with
/// `TestRing`. The expectations are the uapi's (<linux/ublk_cmd.h>) and the
/// protocol's: 512-byte sectors, errno values from Glibc, the errno of each
/// BLK_STS_* as block/blk-core.c's blk_errors[] pairs them.
@Suite struct UblkCommandMachineTests {
    static let bothCopyModes = [true, false]

    /// The layout the kernel writes: __u32 op_flags, __u32 nr_sectors,
    /// __u64 start_sector, __u64 addr.
    @Test func theDescriptorIsTheUapiStruct() {
        #expect(MemoryLayout<ublksrv_io_desc>.size == 24)
        #expect(MemoryLayout<ublksrv_io_desc>.offset(of: \.start_sector) == 8)
        #expect(MemoryLayout<ublksrv_io_desc>.offset(of: \.addr) == 16)
        #expect(MQGEN_UBLK_IO_RES_ABORT == -ENODEV)
    }

    @Test(arguments: bothCopyModes)
    func startQueuesOneFetchPerTag(kernelCopies: Bool) {
        let ring = FakeUblkRing(depth: 8, kernelCopies: kernelCopies)
        ring.start()
        let commands = ring.takeQueued()
        #expect(commands.count == 8)
        #expect(commands.map(\.tag).sorted() == Array(0..<8))
        for command in commands {
            #expect(command == UblkIOCommand(op: UBLK_IO_FETCH_REQ, tag: command.tag, result: 0, addr: ring.addr(command.tag)))
        }
        #expect(ring.machine.states.allSatisfy { $0 == .fetchActive })
        #expect(!ring.machine.done)
    }

    @Test(arguments: bothCopyModes)
    func aReadAndAnFUAWriteAreDispatched(kernelCopies: Bool) throws {
        let ring = FakeUblkRing(kernelCopies: kernelCopies)
        ring.start()
        _ = ring.takeQueued()
        try ring.post(tag: 3, op: UBLK_IO_OP_READ, sector: 8, sectors: 8)
        try ring.post(tag: 1, op: UBLK_IO_OP_WRITE, flags: UInt32(UBLK_IO_F_FUA), sector: 100, sectors: 16)

        let read = try #require(ring.dispatched[3])
        #expect(read.operation == .read && read.sector == 8 && read.sectors == 8 && !read.forceUnitAccess)
        let write = try #require(ring.dispatched[1])
        #expect(write.operation == .write && write.sector == 100 && write.sectors == 16 && write.forceUnitAccess)
        // The data is in the tag's buffer only when the kernel copies it there.
        #expect(read.buffer.count == (kernelCopies ? 8 * 512 : 0))
        #expect(write.buffer.count == (kernelCopies ? 16 * 512 : 0))
        if kernelCopies {
            #expect(read.buffer.baseAddress == ring.buffer(3))
            #expect(write.buffer.baseAddress == ring.buffer(1))
        }
        #expect(ring.takeQueued().isEmpty, "nothing is committed before the driver ends a request")
        #expect(ring.machine.states[3] == .ownedByServer && ring.machine.states[1] == .ownedByServer)
    }

    @Test(arguments: bothCopyModes)
    func anEndedReadIsCommittedWithItsBytes(kernelCopies: Bool) throws {
        let ring = FakeUblkRing(kernelCopies: kernelCopies)
        ring.start()
        _ = ring.takeQueued()
        try ring.post(tag: 3, op: UBLK_IO_OP_READ, sector: 8, sectors: 8)
        try ring.end(tag: 3, status: .ok)
        #expect(ring.takeQueued() == [UblkIOCommand(op: UBLK_IO_COMMIT_AND_FETCH_REQ, tag: 3, result: 8 * 512,
                                                    addr: ring.addr(3))])
        #expect(ring.machine.states[3] == .commitActive)
        // The commit is also the next fetch: the tag takes another request.
        try ring.post(tag: 3, op: UBLK_IO_OP_WRITE, sector: 0, sectors: 1)
        #expect(ring.dispatched[3]?.operation == .write)
    }

    @Test(arguments: [(BlkStatus.ioerr, EIO), (.nospc, ENOSPC), (.notsupp, EOPNOTSUPP), (.timeout, ETIMEDOUT),
                      (.medium, ENODATA), (.inval, EINVAL)])
    func anErrorIsCommittedAsMinusErrno(status: BlkStatus, errno: Int32) throws {
        let ring = FakeUblkRing(kernelCopies: true)
        ring.start()
        _ = ring.takeQueued()
        try ring.post(tag: 2, op: UBLK_IO_OP_WRITE, sector: 16, sectors: 8)
        try ring.end(tag: 2, status: status)
        #expect(ring.takeQueued() == [UblkIOCommand(op: UBLK_IO_COMMIT_AND_FETCH_REQ, tag: 2, result: -errno,
                                                    addr: ring.addr(2))])
    }

    /// UBLK_IO_OP_WRITE_SAME has no model operation, nor has a number no
    /// UBLK_IO_OP_* names.
    @Test(arguments: [UBLK_IO_OP_WRITE_SAME, 0x7f])
    func anUnknownOperationIsRefusedAtOnce(op: Int32) throws {
        let ring = FakeUblkRing(kernelCopies: true)
        ring.start()
        _ = ring.takeQueued()
        try ring.post(tag: 5, op: op, sector: 0, sectors: 8)
        #expect(ring.dispatched[5] == nil)
        #expect(ring.takeQueued() == [UblkIOCommand(op: UBLK_IO_COMMIT_AND_FETCH_REQ, tag: 5, result: -EOPNOTSUPP,
                                                    addr: ring.addr(5))])
        #expect(ring.machine.states[5] == .commitActive)
    }

    /// Flush, discard and write-zeroes move no data: no buffer, result 0.
    @Test(arguments: [(UBLK_IO_OP_FLUSH, RequestOperation.flush), (UBLK_IO_OP_DISCARD, .discard),
                      (UBLK_IO_OP_WRITE_ZEROES, .writeZeroes)])
    func anOperationWithoutDataIsCommittedWithZero(op: Int32, operation: RequestOperation) throws {
        let ring = FakeUblkRing(kernelCopies: true)
        ring.start()
        _ = ring.takeQueued()
        let sectors: UInt32 = op == UBLK_IO_OP_FLUSH ? 0 : 64
        try ring.post(tag: 0, op: op, sector: 0, sectors: sectors)
        let pending = try #require(ring.dispatched[0])
        #expect(pending.operation == operation && pending.sectors == sectors && pending.buffer.count == 0)
        try ring.end(tag: 0, status: .ok)
        #expect(ring.takeQueued() == [UblkIOCommand(op: UBLK_IO_COMMIT_AND_FETCH_REQ, tag: 0, result: 0, addr: ring.addr(0))])
    }

    /// STOP_DEV completes every held command with MQGEN_UBLK_IO_RES_ABORT; a tag
    /// the server owns is aborted once its commit comes back refused.
    @Test func abortOnEveryTagEndsTheQueue() throws {
        let ring = FakeUblkRing(depth: 4, kernelCopies: true)
        ring.start()
        _ = ring.takeQueued()
        try ring.post(tag: 2, op: UBLK_IO_OP_READ, sector: 0, sectors: 8)
        for tag in [0, 1, 3] {
            #expect(try ring.complete(tag: tag, result: MQGEN_UBLK_IO_RES_ABORT).isAborted)
        }
        #expect(!ring.machine.done, "tag 2 is still the server's")
        try ring.end(tag: 2, status: .ok)
        #expect(ring.takeQueued().map(\.tag) == [2])
        #expect(try ring.complete(tag: 2, result: -EINVAL).isAborted, "any result but OK ends the tag's service")
        #expect(ring.machine.done)
        #expect(ring.machine.states.allSatisfy { $0 == .aborted })
        #expect(ring.takeQueued().isEmpty)
    }

    @Test func anEndOfATagTheKernelOwnsIsRefused() throws {
        let ring = FakeUblkRing(kernelCopies: true)
        ring.start()
        _ = ring.takeQueued()
        #expect(throws: UblkViolation(queue: 0, tag: 4, kind: .endOfUnfetchedTag)) { try ring.end(tag: 4, result: 0) }
        #expect(ring.takeQueued().isEmpty)
        #expect(ring.machine.states[4] == .fetchActive)
    }

    @Test func aSecondEndOfARequestIsRefused() throws {
        let ring = FakeUblkRing(kernelCopies: false)
        ring.start()
        _ = ring.takeQueued()
        try ring.post(tag: 6, op: UBLK_IO_OP_WRITE, sector: 0, sectors: 8)
        try ring.end(tag: 6, status: .ok)
        #expect(ring.takeQueued().count == 1)
        #expect(throws: UblkViolation(queue: 0, tag: 6, kind: .endedTwice)) { try ring.end(tag: 6, status: .ok) }
        #expect(ring.takeQueued().isEmpty)
    }

    @Test func aCompletionWithNoCommandOutstandingIsRefused() throws {
        let ring = FakeUblkRing(depth: 4, kernelCopies: true)
        #expect(throws: UblkViolation(queue: 0, tag: 0, kind: .completionWithoutCommand(.unfetched))) {
            try ring.complete(tag: 0, result: UBLK_IO_RES_OK)
        }
        ring.start()
        _ = ring.takeQueued()
        try ring.complete(tag: 1, result: MQGEN_UBLK_IO_RES_ABORT)
        #expect(throws: UblkViolation(queue: 0, tag: 1, kind: .completionWithoutCommand(.aborted))) {
            try ring.complete(tag: 1, result: UBLK_IO_RES_OK)
        }
        try ring.post(tag: 2, op: UBLK_IO_OP_READ, sector: 0, sectors: 8)
        #expect(throws: UblkViolation(queue: 0, tag: 2, kind: .completionWithoutCommand(.ownedByServer))) {
            try ring.complete(tag: 2, result: UBLK_IO_RES_OK)
        }
        #expect(throws: UblkViolation(queue: 0, tag: 4, kind: .noSuchTag)) { try ring.complete(tag: 4, result: UBLK_IO_RES_OK) }
        #expect(throws: UblkViolation(queue: 0, tag: 1, kind: .endWithoutService(.aborted))) { try ring.end(tag: 1, result: 0) }
        #expect(ring.machine.abortedTags == 1 && !ring.machine.done)
    }
}

extension UblkCompletion {
    var isAborted: Bool { if case .aborted = self { true } else { false } }
}
