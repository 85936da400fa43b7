/// Work that can put its submissions on another owner's ring.
///
/// ublksrv's loop target queues the backing file's I/O on the same io_uring
/// as the queue's ublk commands. A batch of backing I/O and the commits of
/// the previous batch then go to the kernel in one `io_uring_enter`, and the
/// completions of both come back to the one thread that waits on that ring.
/// A ring's owner offers it with `join`. A guest that accepts queues its
/// SQEs there with user data of kind `backingIO`, and never submits or waits
/// itself: the owner does that on its thread, and returns each completion of
/// that kind through `completed`.
public protocol RingGuest: AnyObject {
    /// Offers `ring`, on the thread that owns it. Returns false to keep using
    /// the guest's own ring.
    func join(_ ring: Ring) -> Bool

    /// A completion of the guest's SQE for `tag`.
    func completed(tag: Int, result: Int32)

    /// The ring is going away. Nothing of the guest's is in flight on it.
    func leave()
}
