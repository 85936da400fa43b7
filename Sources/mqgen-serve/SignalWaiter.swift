import BlockModel
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM, blocked in every thread (made before any thread
/// starts) and taken with sigwait, so the server stops from ordinary code.
struct SignalWaiter {
    private var set = sigset_t()

    init() {
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    func wait() -> Int32 {
        var set = self.set
        var signal: Int32 = 0
        sigwait(&set, &signal)
        return signal
    }
}

/// `UblkServer.delete` is static; the driver type does not matter to it.
final class NullDriverPlaceholder: Operations {
    func queueRq(_ request: consuming RequestRef<NullDriverPlaceholder>, isLast: Bool) throws(BlockError) {
        _ = request.endOk()
    }
}
