import BlockModel
#if canImport(Glibc)
import Glibc
#endif

/// A disk in memory. Pages are mapped on first touch, so a large disk costs
/// only what is written. Writes are visible at once, so a flush has nothing
/// to wait for; discard and write-zeroes read back as zeros.
///
/// `@unchecked Sendable`: `storage` is a fixed mapping; requests on several
/// queues touch it at once only in ranges the block layer keeps apart (or,
/// like a disk, leaves undefined when they overlap).
public final class RamDriver: Operations, @unchecked Sendable {
    /// Discard and write-zeroes zero the range. No write cache: a write is
    /// in memory, as durable as it gets, when it ends.
    public static var deviceFeatures: DeviceFeatures { .discard }

    public let capacity: UInt64
    private let storage: UnsafeMutableRawPointer

    /// A disk of `bytes` (rounded down to 512).
    public init(bytes: UInt64) throws(BlockError) {
        capacity = bytes & ~511
        guard capacity > 0 else { throw .invalidArgument }
        let mapped = mmap(nil, Int(capacity), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { throw BlockError(errno: errno) }
        storage = mapped
    }

    deinit {
        munmap(storage, Int(capacity))
    }

    public func queueRq(_ request: consuming RequestRef<RamDriver>, isLast: Bool) throws(BlockError) {
        let rq = request.request
        if rq.operation != .flush {
            let range = try rq.byteRange(within: capacity)
            let bytes = storage + Int(range.lowerBound)
            switch rq.operation {
            case .read: rq.buffer.baseAddress.map { $0.copyMemory(from: bytes, byteCount: rq.byteCount) }
            case .write: rq.buffer.baseAddress.map { bytes.copyMemory(from: $0, byteCount: rq.byteCount) }
            case .discard, .writeZeroes: zero(bytes, count: rq.byteCount)
            case .flush: break
            }
        }
        _ = request.endOk()
    }

    /// Zeroes whole pages with MADV_DONTNEED (they read back as zeros and
    /// free their memory), the partial ends with memset.
    private func zero(_ start: UnsafeMutableRawPointer, count: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let last = (Int(bitPattern: start) + count) / page * page
        guard first < last else {
            memset(start, 0, count)
            return
        }
        memset(start, 0, first - Int(bitPattern: start))
        madvise(UnsafeMutableRawPointer(bitPattern: first), last - first, MADV_DONTNEED)
        memset(UnsafeMutableRawPointer(bitPattern: last)!, 0, Int(bitPattern: start) + count - last)
    }
}
