@testable import BlockModel
import Testing

/// Drivers that break the ownership rules. The model must name the broken
/// request and rule in a recorded violation, and the test run goes on.
@Suite struct BrokenDriverTests {
    /// Ends through its handle, then calls blk_mq_end_request again.
    final class EndsTwice: Operations {
        func queueRq(_ request: consuming RequestRef<EndsTwice>, isLast: Bool) throws(BlockError) {
            let (tagSet, queue, tag) = (request.request.tagSet, request.queue, request.tag)
            _ = request.endOk()
            tagSet.endRequest(queue: queue, tag: tag, status: .ok)
        }
    }

    /// Keeps a clone while ending: the end is refused and the driver drops
    /// the handle it got back, so the request is never ended.
    final class KeepsCloneWhileEnding: Operations, @unchecked Sendable {
        var stash: HeldHandle<KeepsCloneWhileEnding>?

        func queueRq(_ request: consuming RequestRef<KeepsCloneWhileEnding>, isLast: Bool) throws(BlockError) {
            stash = HeldHandle(request.clone())
            let ended = request.endOk().isEnded
            #expect(!ended)
        }
    }

    /// Calls the raw end while still holding its handle.
    final class EndsUnderItsHandle: Operations, @unchecked Sendable {
        func queueRq(_ request: consuming RequestRef<EndsUnderItsHandle>, isLast: Bool) throws(BlockError) {
            request.request.tagSet.endRequest(queue: request.queue, tag: request.tag, status: .ok)
            _ = request.endOk()
        }
    }

    /// Fails the request but keeps a clone of it.
    final class FailsButKeeps: Operations, @unchecked Sendable {
        var stash: HeldHandle<FailsButKeeps>?

        func queueRq(_ request: consuming RequestRef<FailsButKeeps>, isLast: Bool) throws(BlockError) {
            stash = HeldHandle(request.clone())
            throw .io
        }
    }

    @Test func endingTwiceIsRecorded() throws {
        let tagSet = try TagSet(driver: EndsTwice(), hwQueues: 1, queueDepth: 2)
        tagSet.dispatch(queue: 0, tag: 1, operation: .read, sector: 0, sectors: 8)
        #expect(tagSet.violations == [Violation(queue: 0, tag: 1, kind: .endedTwice)])
        #expect(tagSet.violations.first?.description == "request 0:1 ended twice: the block layer already owned it")
    }

    @Test func keepingACloneWhileEndingLeavesTheRequestUnended() throws {
        let driver = KeepsCloneWhileEnding()
        let tagSet = try TagSet(driver: driver, hwQueues: 1, queueDepth: 1)
        tagSet.dispatch(queue: 0, tag: 0, operation: .read, sector: 0, sectors: 8)
        #expect(tagSet.checkAllEnded() == [Violation(queue: 0, tag: 0, kind: .neverEnded(refcount: 2))])
        #expect(tagSet.violations.first?.description == "request 0:0 never ended (refcount 2)")
        // The same tag cannot be dispatched again while it is not ended.
        #expect(tagSet.dispatch(queue: 0, tag: 0, operation: .read, sector: 0, sectors: 8) == .busy)
        driver.stash = nil
    }

    @Test func endingUnderAHandleIsRecorded() throws {
        let tagSet = try TagSet(driver: EndsUnderItsHandle(), hwQueues: 1, queueDepth: 1)
        tagSet.dispatch(queue: 0, tag: 0, operation: .read, sector: 0, sectors: 8)
        #expect(tagSet.violations == [Violation(queue: 0, tag: 0, kind: .endedWithHandles(1))])
        #expect(tagSet.checkAllEnded() == tagSet.violations)
    }

    @Test func failingWhileKeepingAHandleIsRecorded() throws {
        let driver = FailsButKeeps()
        let tagSet = try TagSet(driver: driver, hwQueues: 1, queueDepth: 1)
        tagSet.dispatch(queue: 0, tag: 0, operation: .write, sector: 0, sectors: 8)
        #expect(tagSet.violations == [Violation(queue: 0, tag: 0, kind: .errorWithOwnership(refcount: 2))])
        driver.stash = nil
    }
}
