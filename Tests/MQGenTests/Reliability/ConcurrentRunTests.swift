import Foundation
import TestSupport
import Testing
@testable import Gen
@testable import KernelTreeEditor
@testable import Writer

/// Two runs into one directory: one holds it, the other is refused, and
/// what is left is one whole tree.
@Suite struct ConcurrentRunTests {
    @Test func aRunIsRefusedWhileAnotherHoldsTheDirectory() throws {
        let output = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let holder = open(output, O_RDONLY | O_DIRECTORY)
        #expect(flock(holder, LOCK_EX) == 0)
        let run = try runMQGen(["--headers", Versions.v6_12, "--output", output])
        close(holder)
        #expect(run.status == 1)
        #expect(run.stderr == "mqgen: error: \(output): another mqgen run is writing here (it holds the lock on this directory); run again when it has finished\n")
        #expect(snapshot(output).isEmpty)
    }

    @Test func twoRunsAtOnceLeaveOneWholeTree() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        for round in 0..<8 {
            let versions = round.isMultiple(of: 2) ? [Versions.v6_12, Versions.v6_1.include] : [Versions.v6_1.include, Versions.v6_12]
            let runs = try versions.map { include in
                try ChildProcess.start(Repo.mqgen, ["--headers", include, "--output", output], environment: Repo.environment)
            }
            for run in runs {
                let result = run.finish()
                #expect(result.status == 0 || result.stderr.contains("another mqgen run is writing here"), "round \(round): \(result.stderr)")
            }
            let tree = snapshot(output)
            #expect(tree == Versions.reference12 || tree == Versions.reference61, "round \(round): a mixed tree: \(tree.keys.sorted())")
            #expect(leftovers(output).isEmpty, "round \(round)")
        }
    }
}
