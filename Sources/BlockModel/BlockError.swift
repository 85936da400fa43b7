#if canImport(Glibc)
import Glibc
#endif

/// A failure with the errno the kernel would use for it.
///
/// Drivers throw these from `queueRq`; the block layer turns them into a
/// `blk_status_t` with `BlkStatus(errno:)`, as the Rust abstractions do with
/// `errno_to_blk_status`.
public struct BlockError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The positive errno value (`EINVAL`, not `-EINVAL`).
    public let errno: Int32

    public init(errno: Int32) {
        self.errno = errno
    }

    public static let invalidArgument = BlockError(errno: EINVAL)
    public static let io = BlockError(errno: EIO)
    public static let noMemory = BlockError(errno: ENOMEM)
    public static let noSpace = BlockError(errno: ENOSPC)
    public static let notSupported = BlockError(errno: EOPNOTSUPP)
    public static let busy = BlockError(errno: EBUSY)

    public var description: String { "\(String(cString: strerror(errno))) (errno \(errno))" }
}

extension BlkStatus: CustomStringConvertible {
    /// The pairs of `blk_errors[]` in block/blk-core.c: the errno each status
    /// stands for. The statuses are this kernel's (generated); the pairing is
    /// the block layer's and lives in C code no header carries.
    static let errnoPairs: [(status: BlkStatus, errno: Int32)] = [
        (.ok, 0), (.notsupp, EOPNOTSUPP), (.timeout, ETIMEDOUT), (.nospc, ENOSPC),
        (.transport, ENOLINK), (.target, EREMOTEIO), (.resvConflict, EBADE), (.medium, ENODATA),
        (.protection, EILSEQ), (.resource, ENOMEM), (.devResource, EBUSY), (.again, EAGAIN),
        (.offline, ENODEV), (.dmRequeue, EREMCHG), (.zoneOpenResource, ETOOMANYREFS),
        (.zoneActiveResource, EOVERFLOW), (.durationLimit, ETIME), (.inval, EINVAL), (.ioerr, EIO),
    ]

    /// `errno_to_blk_status`: the status whose errno this is, else `BLK_STS_IOERR`.
    /// Accepts `EINVAL` and `-EINVAL` alike.
    public init(errno: Int32) {
        let positive = errno < 0 ? -errno : errno
        self = Self.errnoPairs.first { $0.errno == positive }?.status ?? .ioerr
    }

    /// `blk_status_to_errno`, as a positive value; `EIO` for an unknown status.
    public var errno: Int32 {
        Self.errnoPairs.first { $0.status == self }?.errno ?? EIO
    }

    public var description: String { Self.names[self] ?? "blk_status_t(\(rawValue))" }
}
