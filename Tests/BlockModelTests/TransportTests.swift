import BlockDrivers
import BlockModel
import BlockTransport
import Foundation
import Logging
import Synchronization
import SystemCall
import Testing

/// The transport pieces both servers share, without a kernel device.
@Suite struct TransportTests {
    /// A queue that counts the ends routed to it.
    final class CountingQueue: EndReceiver {
        let ends = Atomic<Int>(0)

        func ended(_ request: Request<NullDriver>, status: BlkStatus) {
            ends.add(1, ordering: .relaxed)
        }
    }

    /// Two threads end requests (as two queue threads do) while this one
    /// sets the router's list again and again (as a server starts and
    /// stops its queues): every end reaches its own queue. With the list an
    /// unguarded `var` this races (ThreadSanitizer reports it; without,
    /// an end can read a list being freed).
    @Test func endsReachTheirQueueWhileTheListIsSet() throws {
        let router = EndRouter<CountingQueue>()
        let queues = [CountingQueue(), CountingQueue()]
        router.serve(queues)
        let tagSet = try TagSet.served(driver: NullDriver(), queues: 2, depth: 16, router: router,
                                       logger: Logger(label: "test"))
        let perQueue = 200_000
        let done = DispatchGroup()
        for queue in 0..<2 {
            DispatchQueue.global().async(group: done) {
                for index in 0..<perQueue {
                    _ = tagSet.dispatch(queue: queue, tag: index % 16, operation: .flush, sector: 0, sectors: 0)
                }
            }
        }
        while done.wait(timeout: .now()) == .timedOut {
            router.serve(Array(queues))  // A new array each time: the old one is freed.
        }
        #expect(queues.map { $0.ends.load(ordering: .relaxed) } == [perQueue, perQueue])
        #expect(tagSet.checkAllEnded().isEmpty)
    }

    @Test func theRouterHasNoQueueBeforeServeOrAfterClear() {
        let router = EndRouter<CountingQueue>()
        #expect(router.receiver(0) == nil)
        let queue = CountingQueue()
        router.serve([queue])
        #expect(router.receiver(0) === queue)
        #expect(router.receiver(1) == nil)
        router.clear()
        #expect(router.receiver(0) == nil)
    }

    /// An eventfd that cannot be made is an error with its errno, never a
    /// descriptor of -1 used later (EndHandOver and the VDUSE message loop
    /// used eventfd's result unchecked).
    @Test func aFailedEventFDIsAnError() {
        let error = #expect(throws: SystemCallError.self) { try EventFD(flags: -1) }
        #expect(error?.operation == "eventfd")
        #expect(error?.errno == .invalidArgument)
    }

    /// The hand-over queues ends in order and wakes its eventfd once per post.
    @Test func theHandOverWakesTheQueueThreadWithEachEnd() throws {
        let handOver = try EndHandOver(event: EventFD(flags: EventFD.nonBlocking))
        #expect(handOver.event.wait() == 0, "nothing posted yet")
        handOver.post(tag: 3, result: 4096)
        handOver.post(tag: 1, result: -5)
        #expect(handOver.event.wait() == 2)
        let ends = handOver.take()
        #expect(ends.map { $0.tag } == [3, 1])
        #expect(ends.map { $0.result } == [4096, -5])
        #expect(handOver.take().isEmpty)
    }

    /// A failed call names itself and carries the kernel's errno.
    @Test func aCheckedCallThrowsItsOperationAndErrno() {
        let error = #expect(throws: SystemCallError.self) { _ = try checked("close fd -1") { close(-1) } }
        #expect(error == SystemCallError("close fd -1", errno: .badFileDescriptor))
        #expect(error?.description == "close fd -1: Bad file descriptor (errno 9)")
        #expect(SystemCallError("io_uring_queue_init", errno: -EINVAL) == SystemCallError("io_uring_queue_init", errno: EINVAL))
    }
}
