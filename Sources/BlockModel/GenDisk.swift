import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Builds a `GenDisk`, validating like the Rust `GenDiskBuilder`: block
/// sizes are powers of two from 512 bytes to a page (4096 on x86_64); any
/// other fails with `EINVAL`, which maps to `BLK_STS_INVAL`.
public struct GenDiskBuilder: Sendable {
    public private(set) var capacitySectors: UInt64 = 0
    public private(set) var logicalBlockSize: UInt32 = 512
    public private(set) var physicalBlockSize: UInt32 = 512
    public private(set) var rotational = false

    public init() {}

    /// `SECTOR_SIZE...PAGE_SIZE`.
    public static let blockSizes: ClosedRange<UInt32> = 512...4096

    public func capacitySectors(_ sectors: UInt64) -> Self {
        var next = self
        next.capacitySectors = sectors
        return next
    }

    public func logicalBlockSize(_ size: UInt32) throws(BlockError) -> Self {
        var next = self
        next.logicalBlockSize = try Self.validated(size)
        return next
    }

    public func physicalBlockSize(_ size: UInt32) throws(BlockError) -> Self {
        var next = self
        next.physicalBlockSize = try Self.validated(size)
        return next
    }

    public func rotational(_ rotational: Bool) -> Self {
        var next = self
        next.rotational = rotational
        return next
    }

    static func validated(_ size: UInt32) throws(BlockError) -> UInt32 {
        guard blockSizes.contains(size), size.nonzeroBitCount == 1 else { throw .invalidArgument }
        return size
    }

    /// The disk, on `tagSet`. The name is what `/dev/<name>` would be
    /// (`DISK_NAME_LEN` is 32 with the terminator).
    public func build<Driver>(name: String, tagSet: TagSet<Driver>) throws(BlockError) -> GenDisk<Driver> {
        guard !name.isEmpty, name.utf8.count < 32 else { throw .invalidArgument }
        return GenDisk(name: name, geometry: self, tagSet: tagSet)
    }
}

/// A disk on a tag set, with an in-process submission path: the part of the
/// block layer above blk-mq (bounds and alignment checks, tag allocation).
/// The ublk server does not use it: the kernel does that part there.
public final class GenDisk<Driver: Operations>: Sendable {
    public let name: String
    public let capacitySectors: UInt64
    public let logicalBlockSize: UInt32
    public let physicalBlockSize: UInt32
    public let rotational: Bool
    public let tagSet: TagSet<Driver>
    private let freeTags: [TagPool]
    /// The same, unretained, for the hot path.
    private let pools: [Unmanaged<TagPool>]

    init(name: String, geometry: GenDiskBuilder, tagSet: TagSet<Driver>) {
        self.name = name
        capacitySectors = geometry.capacitySectors
        logicalBlockSize = geometry.logicalBlockSize
        // As blk_validate_limits: never smaller than the logical block.
        physicalBlockSize = max(geometry.physicalBlockSize, geometry.logicalBlockSize)
        rotational = geometry.rotational
        self.tagSet = tagSet
        freeTags = (0..<tagSet.hwQueues).map { _ in TagPool(depth: tagSet.queueDepth) }
        pools = freeTags.map { .passUnretained($0) }
    }

    /// Submits one I/O on hardware queue `queue` and waits for its end.
    ///
    /// `sectors` is the length for flush, discard and write-zeroes; reads
    /// and writes take it from the buffer. Out of range: `BLK_STS_IOERR`, as
    /// `bio_check_eod`; not a multiple of the logical block size: `BLK_STS_INVAL`.
    public func submit(_ operation: RequestOperation, sector: UInt64, sectors: UInt32 = 0,
                       buffer: UnsafeMutableRawBufferPointer = .init(start: nil, count: 0), queue: Int = 0,
                       forceUnitAccess: Bool = false) -> BlkStatus {
        let length = operation.carriesData ? UInt32(buffer.count >> 9) : sectors
        let blockSectors = UInt64(logicalBlockSize >> 9)
        if operation != .flush {
            guard sector % blockSectors == 0, UInt64(length) % blockSectors == 0,
                  !operation.carriesData || buffer.count % 512 == 0 else { return .inval }
            guard sector <= capacitySectors, UInt64(length) <= capacitySectors - sector else { return .ioerr }
        }
        let tag = allocateTag(queue)
        defer { pools[queue]._withUnsafeGuaranteedRef { $0.free(tag) } }
        while true {
            switch tagSet.dispatch(queue: queue, tag: tag, operation: operation, sector: sector, sectors: length,
                                   buffer: buffer, forceUnitAccess: forceUnitAccess) {
            case .queued:
                return tagSet.withRequest(queue: queue, tag: tag) { request in
                    // A driver whose requests end when polled is polled here,
                    // as the block layer polls a polled queue.
                    while !request.ended.load(ordering: .acquiring) {
                        if !tagSet.poll(queue: queue) { sched_yield() }
                    }
                    return request.status
                }
            case .requeue: sched_yield()
            case .busy: return .ioerr
            }
        }
    }

    private func allocateTag(_ queue: Int) -> Int {
        while true {
            if let tag = pools[queue]._withUnsafeGuaranteedRef({ $0.allocate() }) { return tag }
            sched_yield()
        }
    }
}

/// The free tags of one hardware queue: a bitmap of 64-bit words, set bit
/// = tag in use (a small sbitmap). Lock-free, so submitters on one queue
/// never wait for each other.
final class TagPool: Sendable {
    /// One word, padded to two cache lines: queues on different CPUs must
    /// not share a line.
    private final class Word: Sendable {
        let bits: Atomic<UInt64>
        private let padding: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        init(_ bits: UInt64) { self.bits = Atomic(bits) }
    }

    private let words: ContiguousArray<Word>

    init(depth: Int) {
        // Bits past the depth start set, so they are never handed out.
        words = ContiguousArray(stride(from: 0, to: depth, by: 64).map { first in
            let count = min(64, depth - first)
            return Word(count == 64 ? 0 : ~0 << UInt64(count))
        })
    }

    func allocate() -> Int? {
        for index in words.indices {
            let word = words[index]
            var current = word.bits.load(ordering: .relaxed)
            while current != ~0 {
                let bit = (~current).trailingZeroBitCount
                let (exchanged, seen) = word.bits.compareExchange(
                    expected: current, desired: current | (1 << UInt64(bit)), ordering: .acquiring)
                if exchanged { return index << 6 | bit }
                current = seen
            }
        }
        return nil
    }

    func free(_ tag: Int) {
        words[tag >> 6].bits.bitwiseAnd(~(1 << UInt64(tag & 63)), ordering: .releasing)
    }
}
