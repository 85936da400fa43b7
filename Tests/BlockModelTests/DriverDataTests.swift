import BlockDrivers
@testable import BlockModel
import Foundation
import PropertyBased
import Testing

/// Random writes, then reads that must match a plain byte array exactly.
@Suite struct DriverDataTests {
    static let blocks = 64
    static let blockSize = 4096

    /// A write: the block to start at, a length in blocks, a fill seed.
    static let writes = zip(Gen.int(in: 0...(blocks - 1)), Gen.int(in: 1...8), Gen.int(in: 0...255)).array(of: 1...24)

    /// Applies the writes through the disk and to `expected`, then reads
    /// every block back and compares.
    static func check<D>(_ disk: GenDisk<D>, writes: [(Int, Int, Int)]) -> String? {
        var expected = [UInt8](repeating: 0, count: blocks * blockSize)
        for (index, (block, wanted, seed)) in writes.enumerated() {
            let count = min(wanted, blocks - block)
            var data = (0..<(count * blockSize)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &+ $0 >> 12) }
            let status = data.withUnsafeMutableBytes {
                disk.submit(.write, sector: UInt64(block * blockSize / 512), buffer: $0, queue: index % disk.tagSet.hwQueues)
            }
            guard status == .ok else { return "write \(index) at block \(block): \(status)" }
            expected.replaceSubrange((block * blockSize)..<((block + count) * blockSize), with: data)
        }
        var actual = [UInt8](repeating: 0xEE, count: blocks * blockSize)
        let status = actual.withUnsafeMutableBytes { disk.submit(.read, sector: 0, buffer: $0) }
        guard status == .ok else { return "read back: \(status)" }
        if let first = actual.indices.first(where: { actual[$0] != expected[$0] }) {
            return "byte \(first) (block \(first / blockSize)) reads \(actual[first]), wrote \(expected[first])"
        }
        return nil
    }

    static func disk<D>(_ driver: D) throws -> GenDisk<D> {
        let tagSet = try TagSet(driver: driver, hwQueues: 2, queueDepth: 8)
        return try GenDiskBuilder().capacitySectors(UInt64(blocks * blockSize / 512)).logicalBlockSize(UInt32(blockSize))
            .build(name: "model0", tagSet: tagSet)
    }

    @Test func ramReadsBackWhatWasWritten() async throws {
        await propertyCheck(count: 40, input: Self.writes) { writes in
            let disk = try! Self.disk(RamDriver(bytes: UInt64(Self.blocks * Self.blockSize)))
            #expect(Self.check(disk, writes: writes) == nil)
            #expect(disk.tagSet.checkAllEnded().isEmpty)
        }
    }

    @Test func fileReadsBackWhatWasWrittenAndAfterReopening() async throws {
        await propertyCheck(count: 20, input: Self.writes) { writes in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("mqgen-\(UUID()).img").path
            defer { unlink(path) }
            let disk = try! Self.disk(FileDriver(path: path, bytes: UInt64(Self.blocks * Self.blockSize)))
            #expect(Self.check(disk, writes: writes) == nil)
            #expect(disk.submit(.flush, sector: 0) == .ok)
            // A second driver on the same file sees the flushed data.
            let reopened = try! Self.disk(FileDriver(path: path))
            var first = [UInt8](repeating: 0, count: Self.blocks * Self.blockSize)
            var second = first
            _ = first.withUnsafeMutableBytes { disk.submit(.read, sector: 0, buffer: $0) }
            _ = second.withUnsafeMutableBytes { reopened.submit(.read, sector: 0, buffer: $0) }
            #expect(first == second)
        }
    }

    @Test(arguments: ["ram", "file"])
    func outOfRangeIsAnIOError(driver: String) throws {
        let bytes = UInt64(Self.blocks * Self.blockSize)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mqgen-\(UUID()).img").path
        defer { unlink(path) }
        var buffer = [UInt8](repeating: 0, count: 2 * Self.blockSize)
        let end = UInt64(Self.blocks * Self.blockSize / 512)
        func attempt<D>(_ disk: GenDisk<D>) {
            buffer.withUnsafeMutableBytes { bytes in
                #expect(disk.submit(.read, sector: end, buffer: bytes) == .ioerr)
                #expect(disk.submit(.write, sector: end - 8, buffer: bytes) == .ioerr)
                #expect(disk.submit(.read, sector: end - 16, buffer: bytes) == .ok)
            }
            // The driver checks too: straight through the tag set, past the end.
            let tagSet = disk.tagSet
            tagSet.dispatch(queue: 0, tag: 0, operation: .read, sector: end, sectors: 8)
            #expect(tagSet.request(queue: 0, tag: 0).status == .ioerr)
            #expect(tagSet.checkAllEnded().isEmpty)
        }
        if driver == "ram" { attempt(try Self.disk(RamDriver(bytes: bytes))) }
        else { attempt(try Self.disk(FileDriver(path: path, bytes: bytes))) }
    }

    /// The transports advertise discard for exactly the drivers that
    /// declare it, so a driver that declares it must read the range back as
    /// zeros (null, which keeps no data, must not declare it).
    @Test(arguments: ["null", "ram", "file"])
    func aDeclaredDiscardReadsBackAsZeros(driver: String) throws {
        let bytes = UInt64(Self.blocks * Self.blockSize)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mqgen-\(UUID()).img").path
        defer { unlink(path) }
        func attempt<D>(_ disk: GenDisk<D>) {
            guard D.deviceFeatures.contains(.discard) else { return }
            var ones = [UInt8](repeating: 0xFF, count: Int(bytes))
            _ = ones.withUnsafeMutableBytes { disk.submit(.write, sector: 0, buffer: $0) }
            #expect(disk.submit(.discard, sector: 8, sectors: 16) == .ok)
            #expect(disk.submit(.writeZeroes, sector: 64, sectors: 8) == .ok)
            var back = [UInt8](repeating: 0x11, count: Int(bytes))
            _ = back.withUnsafeMutableBytes { disk.submit(.read, sector: 0, buffer: $0) }
            let zeroed = Set(Array(4096..<12288) + Array(32768..<36864))
            #expect(back.indices.allSatisfy { back[$0] == (zeroed.contains($0) ? 0 : 0xFF) })
        }
        switch driver {
        case "null": attempt(try Self.disk(NullDriver()))
        case "ram": attempt(try Self.disk(RamDriver(bytes: bytes)))
        default: attempt(try Self.disk(FileDriver(path: path, bytes: bytes)))
        }
    }

    /// A driver that moves no data cannot keep a write cache or honour FUA.
    @Test func aDriverWithoutDataDeclaresNoCache() {
        #expect(!NullDriver.movesData)
        #expect(NullDriver.deviceFeatures.isDisjoint(with: [.volatileWriteCache, .forceUnitAccess]))
    }
}
