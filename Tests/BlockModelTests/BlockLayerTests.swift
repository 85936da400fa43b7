import BlockDrivers
@testable import BlockModel
import Foundation
import Testing

@Suite struct BlockLayerTests {
    @Test(arguments: [UInt32(512), 1024, 2048, 4096])
    func builderAcceptsPowersOfTwoUpToAPage(size: UInt32) throws {
        let builder = try GenDiskBuilder().logicalBlockSize(size).physicalBlockSize(size)
        #expect(builder.logicalBlockSize == size)
    }

    @Test(arguments: [UInt32(0), 256, 513, 1536, 8192])
    func builderRejectsOtherBlockSizesWithEINVAL(size: UInt32) {
        #expect(throws: BlockError(errno: EINVAL)) { try GenDiskBuilder().logicalBlockSize(size) }
        #expect(throws: BlockError(errno: EINVAL)) { try GenDiskBuilder().physicalBlockSize(size) }
        #expect(BlkStatus(errno: BlockError.invalidArgument.errno) == .inval)
    }

    @Test func rnullGeometry() throws {
        // What rnull sets up in 6.12: one queue of 256 tags, 4096 << 11 sectors, 4 KiB blocks.
        let tagSet = try TagSet(driver: NullDriver(), hwQueues: 1, queueDepth: 256)
        let disk = try GenDiskBuilder().capacitySectors(4096 << 11).logicalBlockSize(4096).physicalBlockSize(4096)
            .build(name: "rnullb0", tagSet: tagSet)
        #expect(disk.capacitySectors * 512 == 4 << 30)
        #expect(disk.submit(.read, sector: 0, sectors: 8) == .ok)
        #expect(throws: BlockError.invalidArgument) { try GenDiskBuilder().build(name: "", tagSet: tagSet) }
    }

    @Test func tagSetLimits() {
        #expect(throws: BlockError.invalidArgument) { try TagSet(driver: NullDriver(), hwQueues: 0, queueDepth: 1) }
        #expect(throws: BlockError.invalidArgument) { try TagSet(driver: NullDriver(), hwQueues: 1, queueDepth: 10241) }
        #expect(throws: BlockError.invalidArgument) { try TagSet(driver: NullDriver(), hwQueues: 1, queueDepth: 1, maps: 4) }
    }

    /// blk_errors[] of the kernel's own block/blk-core.c, pair by pair, both
    /// directions; the errno and BLK_STS_* values come from the same tree's
    /// headers (Scripts/setup extracts them from linux-source-6.12).
    @Test func errnoToBlkStatusFollowsTheBlockLayer() throws {
        let table = try KernelErrorTable.load()
        #expect(table.count >= 19, "blk_errors[] has \(table.count) entries")
        for (errno, status) in table {
            #expect(BlkStatus(errno: errno) == status)
            #expect(BlkStatus(errno: -errno) == status)
            #expect(status.errno == errno)
        }
        // Anything else is an I/O error, as in the kernel.
        #expect(BlkStatus(errno: EPERM) == .ioerr)
        #expect(BlkStatus(errno: ENOENT) == .ioerr)
    }

    /// A driver that fails every request with the errno it is given.
    final class Failing: Operations {
        let error: BlockError
        init(_ error: BlockError) { self.error = error }
        func queueRq(_ request: consuming RequestRef<Failing>, isLast: Bool) throws(BlockError) { throw error }
    }

    @Test func aThrownErrorEndsTheRequestWithItsStatus() throws {
        for (error, status) in [(BlockError.noSpace, BlkStatus.nospc), (.notSupported, .notsupp), (BlockError(errno: EPERM), .ioerr)] {
            let tagSet = try TagSet(driver: Failing(error), hwQueues: 1, queueDepth: 1)
            let disk = try GenDiskBuilder().capacitySectors(64).build(name: "fail0", tagSet: tagSet)
            #expect(disk.submit(.flush, sector: 0) == status)
            #expect(tagSet.checkAllEnded().isEmpty)
        }
        // A resource error is retried, not ended.
        let tagSet = try TagSet(driver: Failing(.noMemory), hwQueues: 1, queueDepth: 1)
        #expect(tagSet.dispatch(queue: 0, tag: 0, operation: .flush, sector: 0, sectors: 0) == .requeue)
        #expect(tagSet.request(queue: 0, tag: 0).references == 0)
    }

    /// A driver that completes later, from another thread, and polls.
    final class Deferred: Operations, @unchecked Sendable {
        static var hasPoll: Bool { true }
        let queueData = "q"
        func initQueue(index: Int) throws(BlockError) -> String { "queue \(index)" }
        func initRequest(queue: Int, tag: Int) throws(BlockError) -> Int { queue * 1000 + tag }
        func queueRq(_ request: consuming RequestRef<Deferred>, isLast: Bool) throws(BlockError) {
            let held = HeldHandle(request)
            Thread { held.handle.take()!.complete() }.start()
        }
        func poll(queue: HardwareQueue<Deferred>) -> Bool { queue.data == "queue 1" }
    }

    @Test func completionFromAnotherThreadAndPerQueueData() throws {
        let tagSet = try TagSet(driver: Deferred(), hwQueues: 2, queueDepth: 4)
        let disk = try GenDiskBuilder().capacitySectors(64).build(name: "deferred0", tagSet: tagSet)
        for _ in 0..<50 { #expect(disk.submit(.flush, sector: 0, queue: 1) == .ok) }
        #expect(tagSet.request(queue: 1, tag: 3).data == 1003)
        #expect(tagSet.queues[1].data == "queue 1")
        #expect(tagSet.poll(queue: 1) && !tagSet.poll(queue: 0))
        #expect(try TagSet(driver: NullDriver(), hwQueues: 1, queueDepth: 1).poll(queue: 0) == false)
        #expect(tagSet.checkAllEnded().isEmpty)
    }
}
