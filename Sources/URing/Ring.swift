import CURing
#if canImport(Glibc)
import Glibc
#endif

/// A failed system call of the ring, with the errno the kernel gave.
public struct RingError: Error, Equatable, Sendable {
    /// What was being done, e.g. "io_uring_queue_init".
    public let operation: String
    /// The positive errno.
    public let errno: Int32

    public init(_ operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno < 0 ? -errno : errno
    }
}

/// One io_uring, owned: set up in init, torn down in deinit.
///
/// The `prepare...` calls queue one submission each, tagged with
/// `userData`, which comes back with its completion in `drain`. A ring has
/// one submitter at a time: callers on several threads serialize around it.
public final class Ring {
    private var ring = io_uring()

    public init(entries: UInt32, flags: UInt32 = 0) throws(RingError) {
        let result = io_uring_queue_init(entries, &ring, flags)
        guard result == 0 else { throw RingError("io_uring_queue_init", errno: result) }
    }

    deinit {
        io_uring_queue_exit(&ring)
    }

    /// A free SQE; submits the queued ones first if the ring is full.
    private func nextSQE() -> UnsafeMutablePointer<io_uring_sqe> {
        if let sqe = io_uring_get_sqe(&ring) { return sqe }
        io_uring_submit(&ring)
        return io_uring_get_sqe(&ring)!
    }

    /// Queues a uring_cmd with `command` copied into the SQE.
    public func prepareCommand<Command>(fd: Int32, op: UInt32, _ command: Command, userData: UInt64) {
        var command = command
        let sqe = nextSQE()
        withUnsafeBytes(of: &command) { bytes in
            mqgen_prep_uring_cmd(sqe, fd, op, bytes.baseAddress, bytes.count, userData)
        }
    }

    /// Queues a read of `count` bytes at `offset` (-1: the file position, for an eventfd).
    public func prepareRead(fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, offset: Int64, userData: UInt64) {
        let sqe = nextSQE()
        io_uring_prep_read(sqe, fd, buffer, UInt32(count), UInt64(bitPattern: offset))
        sqe.pointee.user_data = userData
    }

    /// Queues a write; `dataSync` makes it `RWF_DSYNC` (a FUA write).
    public func prepareWrite(fd: Int32, from buffer: UnsafeRawPointer, count: Int, offset: Int64, dataSync: Bool, userData: UInt64) {
        let sqe = nextSQE()
        io_uring_prep_write(sqe, fd, buffer, UInt32(count), UInt64(bitPattern: offset))
        if dataSync { sqe.pointee.rw_flags = UInt32(CURing.RWF_DSYNC) }
        sqe.pointee.user_data = userData
    }

    /// Queues an `fdatasync`.
    public func prepareDataSync(fd: Int32, userData: UInt64) {
        let sqe = nextSQE()
        io_uring_prep_fsync(sqe, fd, UInt32(IORING_FSYNC_DATASYNC))
        sqe.pointee.user_data = userData
    }

    /// Queues an `fallocate(fd, mode, offset, length)`.
    public func prepareFallocate(fd: Int32, mode: Int32, offset: Int64, length: Int64, userData: UInt64) {
        let sqe = nextSQE()
        io_uring_prep_fallocate(sqe, fd, mode, off_t(offset), off_t(length))
        sqe.pointee.user_data = userData
    }

    /// Queues a no-op, whose completion wakes a waiter.
    public func prepareNop(userData: UInt64) {
        let sqe = nextSQE()
        io_uring_prep_nop(sqe)
        sqe.pointee.user_data = userData
    }

    /// Has every completion signal `eventFD`, as a device raises an interrupt.
    public func registerEventFD(_ eventFD: Int32) throws(RingError) {
        let result = io_uring_register_eventfd(&ring, eventFD)
        guard result == 0 else { throw RingError("io_uring_register_eventfd", errno: result) }
    }

    /// Submits what is queued, without waiting.
    public func submit() throws(RingError) {
        try submitAndWait(0)
    }

    /// Submits what is queued and waits for at least `count` completions.
    public func submitAndWait(_ count: UInt32) throws(RingError) {
        while true {
            let result = io_uring_submit_and_wait(&ring, count)
            if result >= 0 { return }
            if result != -EINTR { throw RingError("io_uring_submit_and_wait", errno: result) }
        }
    }

    /// Waits until a completion is ready, without submitting or taking it:
    /// a thread that only takes completions can wait while another submits.
    public func waitForCompletion() throws(RingError) {
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        while true {
            let result = io_uring_wait_cqe(&ring, &cqe)
            if result == 0 { return }
            if result != -EINTR { throw RingError("io_uring_wait_cqe", errno: result) }
        }
    }

    /// Calls `body(userData, result)` for each completion ready now; returns how many.
    @discardableResult
    public func drain(_ body: (UInt64, Int32) -> Void) -> Int {
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        var count = 0
        while io_uring_peek_cqe(&ring, &cqe) == 0, let entry = cqe {
            let (userData, result) = (entry.pointee.user_data, entry.pointee.res)
            io_uring_cqe_seen(&ring, entry)
            body(userData, result)
            count += 1
        }
        return count
    }
}
