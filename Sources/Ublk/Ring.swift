import CURing
#if canImport(Glibc)
import Glibc
#endif

/// One io_uring, owned: set up in init, torn down in deinit.
final class Ring {
    private(set) var ring = io_uring()

    init(entries: UInt32, flags: UInt32 = 0) throws(UblkError) {
        let result = io_uring_queue_init(entries, &ring, flags)
        guard result == 0 else { throw UblkError("io_uring_queue_init", errno: result) }
    }

    deinit {
        io_uring_queue_exit(&ring)
    }

    /// A free SQE; submits the queued ones first if the ring is full.
    func nextSQE() -> UnsafeMutablePointer<io_uring_sqe> {
        if let sqe = io_uring_get_sqe(&ring) { return sqe }
        io_uring_submit(&ring)
        return io_uring_get_sqe(&ring)!
    }

    /// Queues a uring_cmd with `command` copied into the SQE.
    func prepareCommand<Command>(fd: Int32, op: UInt32, _ command: Command, userData: UInt64) {
        var command = command
        let sqe = nextSQE()
        withUnsafeBytes(of: &command) { bytes in
            mqgen_prep_uring_cmd(sqe, fd, op, bytes.baseAddress, bytes.count, userData)
        }
    }

    /// Submits what is queued and waits for at least `count` completions.
    func submitAndWait(_ count: UInt32) throws(UblkError) {
        while true {
            let result = io_uring_submit_and_wait(&ring, count)
            if result >= 0 { return }
            if result != -EINTR { throw UblkError("io_uring_submit_and_wait", errno: result) }
        }
    }

    /// Calls `body(userData, result)` for each completion ready now.
    func drain(_ body: (UInt64, Int32) -> Void) {
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        while io_uring_peek_cqe(&ring, &cqe) == 0, let entry = cqe {
            let (userData, result) = (entry.pointee.user_data, entry.pointee.res)
            io_uring_cqe_seen(&ring, entry)
            body(userData, result)
        }
    }
}
