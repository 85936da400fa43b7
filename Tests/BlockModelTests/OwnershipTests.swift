@testable import BlockModel
import Foundation
import PropertyBased
import Synchronization
import Testing

/// Random sequences of the operations a driver and the block layer perform
/// on requests, checked step by step against the refcount states of the
/// Rust abstractions: 0 block layer, 1 driver without handles, 1 + n with n.
@Suite struct OwnershipTests {
    enum Step: CaseIterable, Sendable {
        case dispatch, clone, drop, end, tagToRq, complete
    }

    /// What the test expects of one tag.
    struct Shadow {
        var owned = false
        var handles = 0
        var dispatched = 0
        var refcount: Int { owned ? 1 + handles : 0 }
    }

    static let tags = 4

    /// Runs `steps` on the tags `tag % stride == lane`, checking each step.
    /// Returns a description of the first mismatch, or nil.
    static func run(_ steps: [(Step, Int)], lane: Int, stride: Int, tagSet: TagSet<KeepingDriver>,
                    driver: KeepingDriver, ends: EndCounter) -> String? {
        var shadow = [Int: Shadow]()
        for (index, (step, raw)) in steps.enumerated() {
            let tag = raw * stride + lane
            var s = shadow[tag] ?? Shadow()
            switch step {
            case .dispatch:
                guard !s.owned else { continue }
                guard tagSet.dispatch(queue: 0, tag: tag, operation: .read, sector: 0, sectors: 8) == .queued else {
                    return "step \(index): dispatch of idle tag \(tag) was not queued"
                }
                s.owned = true
                s.handles = 1
                s.dispatched += 1
            case .clone:
                guard let held = driver.take(tag) else { continue }
                let copy = held.handle!.clone()
                driver.keep(held.handle.take()!)
                driver.keep(copy)
                s.handles += 1
            case .drop:
                guard let held = driver.take(tag) else { continue }
                held.handle = nil
                s.handles -= 1
            case .end:
                guard let held = driver.take(tag) else { continue }
                switch held.handle.take()!.endOk() {
                case .ended:
                    guard s.handles == 1 else { return "step \(index): end succeeded with \(s.handles) handles on tag \(tag)" }
                    s = Shadow(owned: false, handles: 0, dispatched: s.dispatched)
                case .shared(let back):
                    guard s.handles > 1 else { return "step \(index): end refused the unique handle of tag \(tag)" }
                    driver.keep(back)
                }
            case .tagToRq:
                if let handle = tagSet.tagToRq(queue: 0, tag: tag) {
                    guard s.owned else { return "step \(index): tagToRq gave a handle on idle tag \(tag)" }
                    driver.keep(handle)
                    s.handles += 1
                } else if s.owned {
                    return "step \(index): tagToRq gave nothing for tag \(tag), which the driver owns"
                }
            case .complete:
                // The driver's complete() keeps the handle: the count is unchanged.
                guard let held = driver.take(tag) else { continue }
                held.handle.take()!.complete()
            }
            shadow[tag] = s
            let actual = tagSet.request(queue: 0, tag: tag).references
            guard actual == s.refcount else {
                return "step \(index) (\(step)) on tag \(tag): refcount \(actual), expected \(s.refcount)"
            }
            guard ends.count(tag) == s.dispatched - (s.owned ? 1 : 0) else {
                return "step \(index): tag \(tag) ended \(ends.count(tag)) times after \(s.dispatched) dispatches"
            }
        }
        return nil
    }

    /// Ends everything still owned, so the tag set is idle again.
    static func drain(_ tagSet: TagSet<KeepingDriver>, driver: KeepingDriver) {
        for tag in 0..<tagSet.queueDepth {
            while let held = driver.take(tag) { held.handle = nil }
            if let last = tagSet.tagToRq(queue: 0, tag: tag) { _ = last.endOk() }
        }
    }

    static let stepsGen = zip(Gen<Step>.case, Gen.int(in: 0...(tags - 1))).array(of: 1...80)

    @Test func sequentialStepsFollowTheRefcountStates() async throws {
        await propertyCheck(count: 200, input: Self.stepsGen) { steps in
            let driver = KeepingDriver()
            let ends = EndCounter()
            let tagSet = try! TagSet(driver: driver, hwQueues: 1, queueDepth: Self.tags, onEnd: ends.callback)
            let mismatch = Self.run(steps, lane: 0, stride: 1, tagSet: tagSet, driver: driver, ends: ends)
            #expect(mismatch == nil)
            Self.drain(tagSet, driver: driver)
            #expect(tagSet.checkAllEnded().isEmpty)
        }
    }

    @Test func stepsOnTwoThreadsShareOneTagSet() async throws {
        await propertyCheck(count: 100, input: Self.stepsGen, Self.stepsGen) { first, second in
            let driver = KeepingDriver()
            let ends = EndCounter()
            let tagSet = try! TagSet(driver: driver, hwQueues: 1, queueDepth: 2 * Self.tags, onEnd: ends.callback)
            let results = Mutex<[String?]>([])
            let threads = [first, second].enumerated().map { lane, steps in
                Thread {
                    let mismatch = Self.run(steps, lane: lane, stride: 2, tagSet: tagSet, driver: driver, ends: ends)
                    results.withLock { $0.append(mismatch) }
                }
            }
            threads.forEach { $0.start() }
            while results.withLock({ $0.count }) < 2 { usleep(100) }
            #expect(results.withLock { $0.compactMap { $0 } } == [])
            Self.drain(tagSet, driver: driver)
            #expect(tagSet.checkAllEnded().isEmpty)
        }
    }

    /// Two threads clone and drop handles as fast as they can while the
    /// main thread keeps trying to end: the end succeeds only once both
    /// threads have dropped their last handle (a clone of an ended request
    /// would be recorded), and exactly once.
    @Test func racingClonesEndExactlyOnce() async throws {
        await propertyCheck(count: 30, input: Gen.int(in: 1...2000)) { clones in
            let driver = KeepingDriver()
            let ends = EndCounter()
            let tagSet = try! TagSet(driver: driver, hwQueues: 1, queueDepth: 1, onEnd: ends.callback)
            tagSet.dispatch(queue: 0, tag: 0, operation: .write, sector: 0, sectors: 8)
            var handle = driver.take(0)!.handle.take()!
            let finished = Mutex(0)
            let bases = [HeldHandle(handle.clone()), HeldHandle(handle.clone())]
            // With both clones out, the end must be refused.
            switch handle.endOk() {
            case .ended:
                Issue.record("ended with two clones out")
                return
            case .shared(let back): handle = back
            }
            for base in bases {
                Thread {
                    for _ in 0..<clones {
                        let copy = base.handle!.clone()
                        _ = consume copy
                    }
                    base.handle = nil
                    finished.withLock { $0 += 1 }
                }.start()
            }
            ending: while true {
                switch handle.endOk() {
                case .ended: break ending
                case .shared(let back):
                    handle = back
                }
            }
            while finished.withLock({ $0 }) < 2 { usleep(50) }
            #expect(ends.count(0) == 1)
            #expect(tagSet.checkAllEnded() == [])
        }
    }
}
