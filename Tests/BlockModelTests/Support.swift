@testable import BlockModel
import Synchronization

/// One handle kept by a test driver: an `Optional` in a class, because
/// noncopyable handles cannot live in an Array.
final class HeldHandle<Driver: Operations>: @unchecked Sendable {
    var handle: RequestRef<Driver>?

    init(_ handle: consuming RequestRef<Driver>) {
        self.handle = consume handle
    }
}

/// A driver that keeps every request it is handed, so a test decides when
/// handles are cloned, dropped and ended. `complete` puts the handle back.
final class KeepingDriver: Operations, @unchecked Sendable {
    let kept = Mutex<[Int: [HeldHandle<KeepingDriver>]]>([:])

    func queueRq(_ request: consuming RequestRef<KeepingDriver>, isLast: Bool) throws(BlockError) {
        keep(request)
    }

    func complete(_ request: consuming RequestRef<KeepingDriver>) {
        keep(request)
    }

    func keep(_ request: consuming RequestRef<KeepingDriver>) {
        let tag = request.tag
        let held = HeldHandle(request)
        kept.withLock { $0[tag, default: []].append(held) }
    }

    /// Takes one kept handle of `tag`, if any.
    func take(_ tag: Int) -> HeldHandle<KeepingDriver>? {
        kept.withLock { $0[tag]?.popLast() }
    }

    func count(_ tag: Int) -> Int {
        kept.withLock { $0[tag]?.count ?? 0 }
    }
}

/// Counts the ends the block layer reports, per tag.
final class EndCounter: Sendable {
    let ends = Mutex<[Int: Int]>([:])
    let statuses = Mutex<[Int: BlkStatus]>([:])

    var callback: @Sendable (Request<KeepingDriver>, BlkStatus) -> Void {
        { [self] request, status in
            ends.withLock { $0[request.tag, default: 0] += 1 }
            statuses.withLock { $0[request.tag] = status }
        }
    }

    func count(_ tag: Int) -> Int { ends.withLock { $0[tag] ?? 0 } }
}
