import BlockTransport

/// One command to queue on /dev/ublkcN: `op` is UBLK_IO_FETCH_REQ or
/// UBLK_IO_COMMIT_AND_FETCH_REQ, the rest is `struct ublksrv_io_cmd`
/// (without q_id, which is the queue's).
struct UblkIOCommand: Equatable, Sendable {
    let op: Int32
    let tag: Int
    /// The last request's result: bytes moved or -errno; 0 for a fetch.
    let result: Int32
    /// The tag's buffer when the kernel copies data, else 0 (UBLK_F_USER_COPY).
    let addr: UInt64
}

/// What a command completion asks of the server.
enum UblkCompletion {
    /// A request to hand to the driver, with the rest of the wakeup's batch.
    case dispatch(PendingRequest)
    /// A request the server cannot serve (an unknown UBLK_IO_OP_*),
    /// answered at once.
    case commit(UblkIOCommand)
    /// The tag's service is over.
    case aborted
}
