import Synchronization

/// What a request asks of the device (`enum req_op`, the ones the model serves).
public enum RequestOperation: Sendable, Equatable {
    case read, write, flush, discard, writeZeroes

    /// Reads and writes carry data; the others name only a range (or none).
    public var carriesData: Bool { self == .read || self == .write }
}

/// The block layer's `struct request` with the driver's data after it.
///
/// Drivers see it through `RequestRef` handles; the fields describe the I/O
/// and stay fixed while the driver owns the request.
///
/// # Invariants
///
/// `refcount` follows the Rust abstractions' states exactly:
/// - 0: the block layer owns the request (idle, or being ended);
/// - 1: the driver owns it and holds no handle (e.g. waiting for hardware);
/// - 2: the driver holds one `RequestRef`;
/// - n > 2: the driver holds n - 1 handles (clones).
public final class Request<Driver: Operations>: @unchecked Sendable {
    /// The hardware queue, and the tag within it.
    public let queue: Int
    public let tag: Int
    let refcount = Atomic<Int>(0)
    /// Set (releasing) when the request ends; cleared at the next dispatch.
    let ended = Atomic<Bool>(false)

    public internal(set) var operation: RequestOperation = .read
    /// First 512-byte sector.
    public internal(set) var sector: UInt64 = 0
    /// The data of a read or write: `sectors * 512` bytes.
    public internal(set) var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// Length in 512-byte sectors (for discard and write-zeroes too).
    public internal(set) var sectors: UInt32 = 0
    /// `REQ_FUA` on a write: the data must be on stable storage when it ends.
    public internal(set) var forceUnitAccess = false
    /// The status it ended with, valid once `ended`.
    public internal(set) var status: BlkStatus = .ok
    /// The driver's per-request data (the pdu).
    public var data: Driver.RequestData

    /// Unretained: the tag set owns its requests, not the other way round.
    private let owner: Unmanaged<TagSet<Driver>>

    init(queue: Int, tag: Int, data: Driver.RequestData, tagSet: TagSet<Driver>) {
        self.queue = queue
        self.tag = tag
        self.data = data
        owner = .passUnretained(tagSet)
    }

    /// The tag set the request belongs to.
    public var tagSet: TagSet<Driver> { owner.takeUnretainedValue() }

    /// Runs `body` with the tag set, without retaining it (the hot path).
    @inline(__always)
    func withTagSet<R>(_ body: (TagSet<Driver>) -> R) -> R {
        owner._withUnsafeGuaranteedRef(body)
    }

    /// The byte offset of the first sector.
    public var offset: UInt64 { sector << 9 }
    /// The length in bytes.
    public var byteCount: Int { Int(sectors) << 9 }

    /// Counts one more handle, only while the driver owns the request
    /// (refcount >= 1); false when the block layer owns it.
    func addHandle() -> Bool {
        refcount.fetchUpdate { $0 >= 1 ? $0 + 1 : nil }.updated
    }

    /// The refcount, for tests and diagnostics.
    public var references: Int { refcount.load(ordering: .relaxed) }
}
