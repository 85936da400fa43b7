import CURing
import SystemCall
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// One io_uring, owned: set up in init, torn down in deinit.
///
/// The `prepare...` calls queue one submission each, tagged with
/// `userData`, which comes back with its completion in `drain`. Results are
/// negative errnos, io_uring's way; errors are `SystemCallError`s. A ring has
/// one submitter at a time: callers on several threads serialize around it.
public final class Ring {
    private var ring = io_uring()

    public init(entries: UInt32, flags: UInt32 = 0) throws(SystemCallError) {
        let result = io_uring_queue_init(entries, &ring, flags)
        guard result == 0 else { throw SystemCallError("io_uring_queue_init", errno: result) }
    }

    deinit {
        io_uring_queue_exit(&ring)
    }

    /// A free SQE; submits the queued ones first if the ring is full.
    private func nextSQE() -> UnsafeMutablePointer<io_uring_sqe> {
        if let sqe = io_uring_get_sqe(&ring) { return sqe }
        // Submitting frees the whole SQ ring, unless the kernel takes none of
        // it (out of memory): then there is no SQE to hand out.
        let submitted = io_uring_submit(&ring)
        guard let sqe = io_uring_get_sqe(&ring) else {
            preconditionFailure("io_uring SQ ring full and io_uring_submit returned \(submitted)")
        }
        return sqe
    }

    /// Queues a uring_cmd with `command` copied into the SQE.
    public func prepareCommand<Command>(fd: FileDescriptor, op: UInt32, _ command: Command, userData: UserData) {
        var command = command
        let sqe = nextSQE()
        withUnsafeBytes(of: &command) { bytes in
            mqgen_prep_uring_cmd(sqe, fd.rawValue, op, bytes.baseAddress, bytes.count, userData.rawValue)
        }
    }

    /// Queues a read of `count` bytes at `offset` (-1: the file position, for an eventfd).
    public func prepareRead(fd: FileDescriptor, into buffer: UnsafeMutableRawPointer, count: Int, offset: Int64, userData: UserData) {
        let sqe = nextSQE()
        io_uring_prep_read(sqe, fd.rawValue, buffer, UInt32(count), UInt64(bitPattern: offset))
        sqe.pointee.user_data = userData.rawValue
    }

    /// Queues a write; `dataSync` makes it `RWF_DSYNC` (a FUA write).
    public func prepareWrite(fd: FileDescriptor, from buffer: UnsafeRawPointer, count: Int, offset: Int64, dataSync: Bool, userData: UserData) {
        let sqe = nextSQE()
        io_uring_prep_write(sqe, fd.rawValue, buffer, UInt32(count), UInt64(bitPattern: offset))
        if dataSync { sqe.pointee.rw_flags = UInt32(CURing.RWF_DSYNC) }
        sqe.pointee.user_data = userData.rawValue
    }

    /// Queues an `fdatasync`.
    public func prepareDataSync(fd: FileDescriptor, userData: UserData) {
        let sqe = nextSQE()
        io_uring_prep_fsync(sqe, fd.rawValue, UInt32(IORING_FSYNC_DATASYNC))
        sqe.pointee.user_data = userData.rawValue
    }

    /// Queues an `fallocate(fd, mode, offset, length)`.
    public func prepareFallocate(fd: FileDescriptor, mode: Int32, offset: Int64, length: Int64, userData: UserData) {
        let sqe = nextSQE()
        io_uring_prep_fallocate(sqe, fd.rawValue, mode, off_t(offset), off_t(length))
        sqe.pointee.user_data = userData.rawValue
    }

    /// Queues a no-op, whose completion wakes a waiter.
    public func prepareNop(userData: UserData) {
        let sqe = nextSQE()
        io_uring_prep_nop(sqe)
        sqe.pointee.user_data = userData.rawValue
    }

    /// Has every completion signal `eventFD`, as a device raises an interrupt.
    public func registerEventFD(_ eventFD: FileDescriptor) throws(SystemCallError) {
        let result = io_uring_register_eventfd(&ring, eventFD.rawValue)
        guard result == 0 else { throw SystemCallError("io_uring_register_eventfd", errno: result) }
    }

    /// Submits what is queued, without waiting.
    public func submit() throws(SystemCallError) {
        try submitAndWait(0)
    }

    /// Submits what is queued and waits for at least `count` completions.
    public func submitAndWait(_ count: UInt32) throws(SystemCallError) {
        while true {
            let result = io_uring_submit_and_wait(&ring, count)
            if result >= 0 { return }
            if result != -EINTR { throw SystemCallError("io_uring_submit_and_wait", errno: result) }
        }
    }

    /// Waits until a completion is ready, without submitting or taking it:
    /// a thread that only takes completions can wait while another submits.
    public func waitForCompletion() throws(SystemCallError) {
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        while true {
            let result = io_uring_wait_cqe(&ring, &cqe)
            if result == 0 { return }
            if result != -EINTR { throw SystemCallError("io_uring_wait_cqe", errno: result) }
        }
    }

    /// Calls `body(userData, result)` for each completion ready now; returns how many.
    @discardableResult
    public func drain(_ body: (UserData, Int32) -> Void) -> Int {
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        var count = 0
        while io_uring_peek_cqe(&ring, &cqe) == 0, let entry = cqe {
            let (raw, result) = (entry.pointee.user_data, entry.pointee.res)
            io_uring_cqe_seen(&ring, entry)
            // Every SQE of this ring was queued by a `prepare` call above.
            guard let userData = UserData(rawValue: raw) else {
                preconditionFailure("a completion with user data 0x\(String(raw, radix: 16)), which no SQE was given")
            }
            body(userData, result)
            count += 1
        }
        return count
    }
}
