import BlockDrivers
@testable import BlockModel
import Foundation
import Synchronization
import SystemCall
import Testing
import TestSupport
import URing

/// The file driver's own rules, against a real file system: O_DIRECT where
/// it can, errors of the backing file as block statuses with the disk still
/// serving, the end of the file, both completion paths, the whole depth in flight.
@Suite(.serialized) struct FileDriverTests {
    static func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("mqgen-\(UUID()).img").path
    }

    static func disk(_ driver: FileDriver, blockSize: UInt32 = 4096, queues: Int = 1, depth: Int = 32,
                     onEnd: (@Sendable (Request<FileDriver>, BlkStatus) -> Void)? = nil) throws -> GenDisk<FileDriver> {
        let tagSet = try TagSet(driver: driver, hwQueues: queues, queueDepth: depth, onEnd: onEnd)
        return try GenDiskBuilder().capacitySectors(driver.capacity >> 9).logicalBlockSize(blockSize)
            .build(name: "file0", tagSet: tagSet)
    }

    /// A small tmpfs of its own, so that a write can run out of space.
    static func withSmallFileSystem(_ bytes: Int, _ body: (String) throws -> Void) throws {
        try withFileSystem("tmpfs", options: "size=\(bytes)", body)
    }

    /// A file system of `type` mounted on a directory of its own for `body`.
    static func withFileSystem(_ type: String, options: String, _ body: (String) throws -> Void) throws {
        let directory = temporaryFile() + ".d"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mount = try ChildProcess.run("/bin/mount", ["-t", type, "-o", options, "mqgen-test", directory], timeout: 60)
        try #require(mount.status == 0, "mount -t \(type) needs root: \(mount.stderr)")
        defer { _ = try? ChildProcess.run("/bin/umount", [directory], timeout: 60) }
        try body(directory)
    }

    /// /tmp here is ext4, which has O_DIRECT; `off` stays in the page cache.
    @Test func directIOByDefaultWhereTheFileSystemHasIt() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let direct = try FileDriver(path: path, bytes: 1 << 20)
        #expect(direct.usesDirectIO)
        #expect([512, 1024, 2048, 4096].contains(direct.minimumBlockSize))
        let buffered = try FileDriver(path: path, options: .init(directIO: .off))
        #expect(!buffered.usesDirectIO && buffered.minimumBlockSize == 512)
    }

    /// The O_DIRECT probe asks only about O_DIRECT: a new or empty file on
    /// a file system that has it fails for its size (EINVAL too), and that
    /// is not the refusal `--direct-io on` reports as "no O_DIRECT".
    @Test func anEmptyFileIsRefusedForItsSizeNotAsNoDirectIO() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let error = #expect(throws: SystemCallError.self) { try FileDriver(path: path, options: .init(directIO: .on)) }
        #expect(error?.errno == .invalidArgument)
        #expect(error.map { FileDriver.isDirectIORefusal($0, path: path) } == false)
        #expect(error?.operation == "\(path): 0 bytes, less than one 512-byte sector")
        let sized = try FileDriver(path: path, bytes: 1 << 20, options: .init(directIO: .on))
        #expect(sized.usesDirectIO && sized.capacity == 1 << 20)
    }

    /// ramfs has no O_DIRECT (no `direct_IO` of its own, unlike tmpfs since
    /// 6.6): `auto` serves from the page cache, `on` is refused with EINVAL.
    @Test func aFileSystemWithoutDirectIOFallsBackUnlessDirectIOIsRequired() throws {
        try Self.withFileSystem("ramfs", options: "mode=0755") { directory in
            let fallback = try FileDriver(path: "\(directory)/auto.img", bytes: 1 << 20)
            #expect(!fallback.usesDirectIO && fallback.minimumBlockSize == 512)
            let refusal = #expect(throws: SystemCallError.self) {
                try FileDriver(path: "\(directory)/on.img", bytes: 1 << 20, options: .init(directIO: .on))
            }
            #expect(refusal?.errno == .invalidArgument)
            #expect(refusal.map { FileDriver.isDirectIORefusal($0, path: "\(directory)/on.img") } == true)
            let disk = try Self.disk(fallback, blockSize: 512)
            var data = [UInt8](repeating: 0x5A, count: 4096)
            #expect(data.withUnsafeMutableBytes { disk.submit(.write, sector: 8, buffer: $0) } == .ok)
            var back = [UInt8](repeating: 0, count: 4096)
            #expect(back.withUnsafeMutableBytes { disk.submit(.read, sector: 8, buffer: $0) } == .ok)
            #expect(back == data)
        }
    }

    /// ENOSPC from the backing file is BLK_STS_NOSPC; the disk goes on
    /// serving what fits (and reads what was written).
    @Test func aFullBackingFileSystemEndsWritesWithNoSpaceAndTheDiskServesOn() throws {
        try Self.withSmallFileSystem(256 << 10) { directory in
            let disk = try Self.disk(FileDriver(path: "\(directory)/sparse.img", bytes: 4 << 20))
            var ones = [UInt8](repeating: 0xA5, count: 64 << 10)
            var statuses: [BlkStatus] = []
            for chunk in 0..<8 {
                statuses.append(ones.withUnsafeMutableBytes { disk.submit(.write, sector: UInt64(chunk * 128), buffer: $0) })
            }
            #expect(statuses.first == .ok)
            #expect(statuses.contains(.nospc), "\(statuses)")
            var back = [UInt8](repeating: 0, count: 64 << 10)
            #expect(back.withUnsafeMutableBytes { disk.submit(.read, sector: 0, buffer: $0) } == .ok)
            #expect(back == ones)
            #expect(disk.submit(.flush, sector: 0) == .ok)
            #expect(disk.tagSet.checkAllEnded().isEmpty)
            _ = ones
        }
    }

    /// The file shrank under the disk: a read across the new end reads the
    /// rest as zeros and fails, as the loop device with direct I/O.
    @Test func aReadPastTheEndOfTheFileReadsZerosAndFails() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let disk = try Self.disk(FileDriver(path: path, bytes: 1 << 20))
        var data = [UInt8](repeating: 0x5A, count: 16 << 10)
        #expect(data.withUnsafeMutableBytes { disk.submit(.write, sector: 0, buffer: $0) } == .ok)
        #expect(truncate(path, 8 << 10) == 0)
        var back = [UInt8](repeating: 0xEE, count: 16 << 10)
        #expect(back.withUnsafeMutableBytes { disk.submit(.read, sector: 0, buffer: $0) } == .ioerr)
        #expect(back[..<(8 << 10)].allSatisfy { $0 == 0x5A })
        #expect(back[(8 << 10)...].allSatisfy { $0 == 0 })
        // Beyond the end entirely: nothing read, all zeros, an error.
        #expect(back.withUnsafeMutableBytes { disk.submit(.read, sector: 64, buffer: $0) } == .ioerr)
        #expect(back.allSatisfy { $0 == 0 })
    }

    /// With a completion thread, every request ends off the submitter's
    /// thread (the hand-over a transport must do); the data is the same.
    @Test(arguments: FileDriver.Completions.allCases)
    func bothCompletionPathsEndEveryRequestOnce(completions: FileDriver.Completions) throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let submitter = Mutex<pthread_t?>(nil)
        let offThread = Atomic<Int>(0)
        let ends = Atomic<Int>(0)
        let disk = try Self.disk(FileDriver(path: path, bytes: 1 << 20, options: .init(completions: completions))) { _, _ in
            ends.add(1, ordering: .relaxed)
            if let thread = submitter.withLock({ $0 }), pthread_equal(thread, pthread_self()) == 0 { offThread.add(1, ordering: .relaxed) }
        }
        submitter.withLock { $0 = pthread_self() }
        var block = [UInt8](repeating: 0, count: 4096)
        for index in 0..<64 {
            block.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(index), as: UInt32.self) }
            #expect(block.withUnsafeMutableBytes { disk.submit(.write, sector: UInt64(index * 8), buffer: $0, forceUnitAccess: index.isMultiple(of: 4)) } == .ok)
        }
        for index in 0..<64 {
            #expect(block.withUnsafeMutableBytes { disk.submit(.read, sector: UInt64(index * 8), buffer: $0) } == .ok)
            #expect(block.withUnsafeBytes { $0.load(as: UInt32.self) } == UInt32(index))
        }
        #expect(ends.load(ordering: .relaxed) == 128)
        #expect(offThread.load(ordering: .relaxed) == (completions == .thread ? 128 : 0))
        #expect(disk.tagSet.checkAllEnded().isEmpty)
    }

    /// Requests queued with `isLast` false wait for the rest of their batch:
    /// nothing reaches the file until the last one, or `commitRqs`.
    @Test func aBatchStartsWithItsLastRequestOrCommitRqs() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let ended = Atomic<Int>(0)
        let tagSet = try TagSet(driver: try FileDriver(path: path, bytes: 1 << 20), hwQueues: 1, queueDepth: 16) { _, _ in
            ended.add(1, ordering: .relaxed)
        }
        let buffers = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 4096, alignment: 4096)
        defer { buffers.deallocate() }
        func read(_ tag: Int, isLast: Bool) {
            let buffer = UnsafeMutableRawBufferPointer(rebasing: buffers[(tag * 4096)..<((tag + 1) * 4096)])
            #expect(tagSet.dispatch(queue: 0, tag: tag, operation: .read, sector: UInt64(tag * 8), sectors: 8,
                                    buffer: buffer, isLast: isLast) == .queued)
        }
        func waitForEnds(_ count: Int) {
            let deadline = Date().addingTimeInterval(10)
            while ended.load(ordering: .relaxed) < count, Date() < deadline { if !tagSet.poll(queue: 0) { sched_yield() } }
        }
        for tag in 0..<4 { read(tag, isLast: false) }
        usleep(100_000)
        #expect(!tagSet.poll(queue: 0) && ended.load(ordering: .relaxed) == 0, "queued, not yet submitted")
        read(4, isLast: true)
        waitForEnds(5)
        #expect(ended.load(ordering: .relaxed) == 5)
        for tag in 5..<8 { read(tag, isLast: false) }
        tagSet.commitRqs(queue: 0)
        waitForEnds(8)
        #expect(ended.load(ordering: .relaxed) == 8)
    }

    /// The block layer's flush requests have no range: blk_rq_init leaves
    /// the sector at (sector_t)-1, and the driver must not compute an offset from it.
    @Test func aFlushFromTheBlockLayerHasSectorMinusOne() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let driver = try FileDriver(path: path, bytes: 1 << 20)
        let tagSet = try TagSet(driver: driver, hwQueues: 1, queueDepth: 4)
        #expect(tagSet.dispatch(queue: 0, tag: 0, operation: .flush, sector: UInt64.max, sectors: 0) == .queued)
        while !tagSet.request(queue: 0, tag: 0).ended.load(ordering: .acquiring) {
            if !tagSet.poll(queue: 0) { sched_yield() }
        }
        #expect(tagSet.request(queue: 0, tag: 0).status == .ok)
    }

    /// The whole depth in flight: dispatched straight through the tag set,
    /// 32 reads are all queued before the first completion is taken.
    /// On a ring a transport lends (`RingGuest`), the backing I/O waits for
    /// the ring's owner: nothing reaches the file until the owner submits,
    /// and the completions it hands back end the requests.
    @Test func onALentRingTheOwnerSubmitsAndHandsBackTheCompletions() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let driver = try FileDriver(path: path, bytes: 1 << 20)
        let statuses = Mutex<[Int: BlkStatus]>([:])
        let tagSet = try TagSet(driver: driver, hwQueues: 1, queueDepth: 16) { request, status in
            statuses.withLock { $0[request.tag] = status }
        }
        let queue = tagSet.queues[0].data
        let ring = try Ring(entries: 64)
        #expect(queue.join(ring))
        defer { queue.leave() }
        let buffers = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 4096, alignment: 4096)
        defer { buffers.deallocate() }
        for tag in 0..<16 {
            let buffer = UnsafeMutableRawBufferPointer(rebasing: buffers[(tag * 4096)..<((tag + 1) * 4096)])
            buffer.initializeMemory(as: UInt8.self, repeating: UInt8(tag + 1))
            #expect(tagSet.dispatch(queue: 0, tag: tag, operation: .write, sector: UInt64(tag * 8), sectors: 8,
                                    buffer: buffer, isLast: tag == 15) == .queued)
        }
        #expect(!tagSet.poll(queue: 0), "the queue's own ring has nothing")
        #expect(Self.fileBytes(path, count: 16 * 4096).allSatisfy { $0 == 0 }, "written before the owner submitted")
        try ring.submit()
        var handedBack = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while handedBack < 16, ContinuousClock.now < deadline {
            let count = ring.drain { userData, result in
                #expect(userData.kind == .backingIO)
                queue.completed(tag: Int(userData.tag), result: result)
            }
            handedBack += count
            if count == 0 { usleep(1000) }
        }
        #expect(statuses.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<16).map { ($0, BlkStatus.ok) }))
        let file = Self.fileBytes(path, count: 16 * 4096)
        #expect((0..<16).allSatisfy { tag in file[(tag * 4096)..<((tag + 1) * 4096)].allSatisfy { $0 == UInt8(tag + 1) } })
        #expect(tagSet.checkAllEnded().isEmpty)
    }

    /// The first `count` bytes of the file, read by path (not through the driver).
    static func fileBytes(_ path: String, count: Int) -> [UInt8] {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        return Array(data.prefix(count))
    }

    @Test func theWholeQueueDepthIsInFlight() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let driver = try FileDriver(path: path, bytes: 1 << 20)
        let ended = Atomic<Int>(0)
        let tagSet = try TagSet(driver: driver, hwQueues: 1, queueDepth: 32) { _, _ in ended.add(1, ordering: .relaxed) }
        let buffers = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 4096, alignment: 4096)
        defer { buffers.deallocate() }
        for tag in 0..<32 {
            let buffer = UnsafeMutableRawBufferPointer(rebasing: buffers[(tag * 4096)..<((tag + 1) * 4096)])
            #expect(tagSet.dispatch(queue: 0, tag: tag, operation: .read, sector: UInt64(tag * 8), sectors: 8, buffer: buffer) == .queued)
        }
        // Nothing ends until completions are taken: they wait in the ring.
        usleep(100_000)
        #expect(ended.load(ordering: .relaxed) == 0)
        while ended.load(ordering: .relaxed) < 32 { if !tagSet.poll(queue: 0) { sched_yield() } }
        #expect(tagSet.checkAllEnded().isEmpty)
    }
}
