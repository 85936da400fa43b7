// Requests through the null driver, in release mode: the cost the model adds
// per request (dispatch, refcount, end) and per submission through GenDisk
// (checks and tag allocation on top). Prints requests per second and ns per
// request on 1 and 2 threads, one hardware queue each. Target: <= 100 ns.
//
// Usage: swift run -c release blockmodel-bench [requests-per-thread]
import BlockDrivers
import BlockModel
import Dispatch
import Foundation

let perThread = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 5_000_000

/// Runs `body(queue)` on `threads` threads at once; returns wall seconds.
func timed(threads: Int, _ body: @escaping @Sendable (Int) -> Void) -> Double {
    let start = DispatchSemaphore(value: 0)
    let group = DispatchGroup()
    for queue in 0..<threads {
        Thread {
            group.enter()
            start.wait()
            body(queue)
            group.leave()
        }.start()
    }
    Thread.sleep(forTimeInterval: 0.05)
    let begin = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<threads { start.signal() }
    group.wait()
    return Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
}

func report(_ path: String, threads: Int, seconds: Double) {
    let total = Double(perThread * threads)
    let perRequest = seconds * 1e9 / Double(perThread)
    print(String(format: "%-22@ threads=%d  %10.0f req/s  %6.1f ns/request per thread  %6.1f ns/request aggregate  %@",
                 path, threads, total / seconds, perRequest, seconds * 1e9 / total, perRequest <= 100 ? "ok" : "OVER 100 ns"))
}

for threads in [1, 2] {
    let tagSet = try TagSet(driver: NullDriver(), hwQueues: threads, queueDepth: 256)
    let disk = try GenDiskBuilder().capacitySectors(4096 << 11).logicalBlockSize(4096).build(name: "rnullb0", tagSet: tagSet)
    // Warm up both paths once.
    _ = timed(threads: threads) { queue in for i in 0..<10_000 { tagSet.dispatch(queue: queue, tag: i & 255, operation: .read, sector: 0, sectors: 8) } }
    let dispatch = timed(threads: threads) { queue in
        for i in 0..<perThread { tagSet.dispatch(queue: queue, tag: i & 255, operation: .read, sector: UInt64(i & 1023) << 3, sectors: 8) }
    }
    report("TagSet.dispatch", threads: threads, seconds: dispatch)
    let submit = timed(threads: threads) { queue in
        for i in 0..<perThread { _ = disk.submit(.flush, sector: UInt64(i & 1023) << 3, queue: queue) }
    }
    report("GenDisk.submit", threads: threads, seconds: submit)
    precondition(tagSet.checkAllEnded().isEmpty, "the null driver broke a rule: \(tagSet.violations)")
}
