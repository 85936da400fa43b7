/// Who holds one tag of a ublk queue, as the driver's `struct ublk_io`
/// flags say it (drivers/block/ublk_drv.c): the kernel while a command is
/// outstanding (UBLK_IO_FLAG_ACTIVE), the server between a completion and
/// its commit (UBLK_IO_FLAG_OWNED_BY_SRV), nobody once aborted.
enum UblkIOState: UInt8, Equatable, Sendable {
    /// No command yet: the queue has not started.
    case unfetched
    /// UBLK_IO_FETCH_REQ outstanding: the kernel owns the tag and no
    /// request has been seen on it.
    case fetchActive
    /// UBLK_IO_COMMIT_AND_FETCH_REQ outstanding: the last request's result
    /// is on its way and the kernel owns the tag again.
    case commitActive
    /// A request was fetched and not yet ended: the server owns the tag.
    case ownedByServer
    /// A completion with a result other than UBLK_IO_RES_OK: the tag's
    /// service is over (UBLK_IO_RES_ABORT on STOP_DEV).
    case aborted

    /// Whether the kernel will complete a command for this tag.
    @inline(__always) var commandOutstanding: Bool { self == .fetchActive || self == .commitActive }
}
