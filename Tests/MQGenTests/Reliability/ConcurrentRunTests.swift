import Foundation
@testable import MQGen
import Testing

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
            let runs = versions.map { include in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Repo.mqgen)
                process.arguments = ["--headers", include, "--output", output]
                process.environment = ProcessInfo.processInfo.environment.merging(["MQGEN_TEMPLATES": Repo.templates.path]) { $1 }
                let err = Pipe()
                process.standardError = err
                return (process, err)
            }
            for (process, _) in runs { try process.run() }
            for (process, err) in runs {
                let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0 || stderr.contains("another mqgen run is writing here"), "round \(round): \(stderr)")
            }
            let tree = snapshot(output)
            #expect(tree == Versions.reference12 || tree == Versions.reference61, "round \(round): a mixed tree: \(tree.keys.sorted())")
            #expect(leftovers(output).isEmpty, "round \(round)")
        }
    }
}
