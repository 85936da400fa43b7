import Foundation
import TestSupport
import Testing
@testable import Gen
@testable import KernelTreeEditor
@testable import Writer

/// Real faults in the middle of a write, injected with strace into the
/// system calls themselves: every rename and every mkdir in turn fails, or
/// the process is killed there. A failure leaves the tree as it was; a kill
/// is undone by the next run.
///
/// The write under test goes from the 6.1 table to the 6.12 one, so it
/// makes a directory, creates, replaces and removes files, and rewrites the
/// manifest: every kind of step.
@Suite(.serialized) struct FaultInjectionTests {
    static func strace(_ inject: String) -> [String] {
        ["/usr/bin/strace", "-f", "-qq", "-o", "/dev/null", "-e", "inject=\(inject)"]
    }

    /// Runs `body` with a directory holding the 6.1 tree.
    static func withBaseline(_ body: (String) throws -> Void) throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        try materialize(Versions.reference61, at: output)
        try body(output)
    }

    /// Writes the 6.12 tree over a fresh 6.1 baseline with `fault` injected
    /// at the 1st, 2nd, ... call of its syscall, until a write gets through;
    /// `check` examines each faulted run. Returns how many calls were faulted.
    static func eachFaultedStep(_ fault: String, upTo limit: Int,
                                _ check: (_ step: Int, _ output: String, _ run: (status: Int32, stdout: String, stderr: String)) throws -> Void) throws -> Int {
        for step in 1...limit {
            var finished = false
            try withBaseline { output in
                let run = try runMQGen(["--headers", Versions.v6_12, "--output", output], under: strace("\(fault):when=\(step)"))
                finished = run.status == 0
                if finished {
                    #expect(snapshot(output) == Versions.reference12, "step \(step): the unfaulted write")
                } else {
                    try check(step, output, run)
                }
            }
            if finished { return step - 1 }
        }
        Issue.record("every one of \(limit) steps was faulted: raise the limit")
        return limit
    }

    @Test func aRenameThatFailsAtAnyStepLeavesTheTreeAsItWas() throws {
        let failures = try Self.eachFaultedStep("rename:error=EIO", upTo: 40) { step, output, run in
            #expect(run.stderr.hasPrefix("mqgen: error: \(output)/"), "step \(step): \(run.stderr)")
            #expect(run.stderr.hasSuffix(": cannot write output: rename: Input/output error; nothing was changed\n"), "step \(step): \(run.stderr)")
            #expect(snapshot(output) == Versions.reference61, "step \(step)")
            #expect(leftovers(output).isEmpty, "step \(step)")
        }
        // journal + (replace: 2 renames) per changed file + create + remove + manifest + commit
        #expect(failures >= 8, "only \(failures) renames were exercised")
    }

    /// Every rename comes before the commit: after a kill at any of them,
    /// a run of the old table finds the old tree whole again, with nothing
    /// to write (a roll-back in the wrong direction would show here).
    @Test func aKillAtAnyRenameIsUndoneByTheNextRun() throws {
        let kills = try Self.eachFaultedStep("rename:signal=KILL", upTo: 40) { step, output, _ in
            #expect(!leftovers(output).isEmpty, "step \(step): the kill left nothing to recover from")
            let check = try runMQGen(["--headers", Versions.v6_1.include, "--output", output, "--check"])
            // The first rename puts the journal in place: before it there is nothing to undo.
            #expect(check.stderr.contains("an interrupted run left its journal here") || step == 1, "step \(step): \(check.stderr)")
            let next = try runMQGen(["--headers", Versions.v6_1.include, "--output", output])
            #expect(next.status == 0, "step \(step): \(next.stderr)")
            #expect(next.stderr.contains("undid the partial write of an interrupted run") || step == 1, "step \(step)")
            #expect(next.stderr.contains("0 written, 10 unchanged, 0 removed"), "step \(step): \(next.stderr)")
            #expect(snapshot(output) == Versions.reference61, "step \(step)")
            #expect(leftovers(output).isEmpty, "step \(step): \(leftovers(output))")
        }
        #expect(kills >= 8, "only \(kills) renames were exercised")
    }

    /// After the commit a run only deletes backups: a kill at any of those
    /// unlinks leaves the new tree, which the next run finishes cleaning.
    @Test func aKillAfterTheCommitIsFinishedByTheNextRun() throws {
        let kills = try Self.eachFaultedStep("unlink:signal=KILL", upTo: 30) { step, output, _ in
            let next = try runMQGen(["--headers", Versions.v6_12, "--output", output])
            #expect(next.stderr.contains("finished the write of an interrupted run"), "step \(step): \(next.stderr)")
            #expect(next.stderr.contains("0 written, 10 unchanged, 0 removed"), "step \(step): \(next.stderr)")
            #expect(snapshot(output) == Versions.reference12, "step \(step)")
            #expect(leftovers(output).isEmpty, "step \(step): \(leftovers(output))")
        }
        #expect(kills >= 3, "only \(kills) unlinks were exercised")
    }

    /// A file the user put back by hand after a kill (say with git
    /// checkout) is theirs: the roll-back keeps it and names it.
    @Test func aFileChangedAfterAKillIsKeptAndNamed() throws {
        try Self.withBaseline { output in
            // Killed at the first rename that finds an old file already in its backup.
            var found: String?
            for step in 2...12 where found == nil {
                try materialize(Versions.reference61, at: output)
                _ = try runMQGen(["--headers", Versions.v6_12, "--output", output], under: Self.strace("rename:signal=KILL:when=\(step)"))
                found = leftovers(output).first { $0.hasSuffix(".old") }
                if found == nil { _ = try runMQGen(["--headers", Versions.v6_1.include, "--output", output]) }
            }
            let backup = try #require(found)
            let directory = (backup as NSString).deletingLastPathComponent
            // `.name.mqgen-<pid>.old` stands beside `name`.
            let hidden = String((backup as NSString).lastPathComponent.dropFirst())
            let name = hidden.components(separatedBy: ".mqgen-")[0]
            let target = directory.isEmpty ? "\(output)/\(name)" : "\(output)/\(directory)/\(name)"
            try write("// restored by hand\n", to: target)
            let next = try runMQGen(["--headers", Versions.v6_12, "--output", output])
            #expect(next.status == 1)
            #expect(next.stderr.contains("\(target): changed after the interrupted run; its earlier contents are in \(output)/\(backup)"), "\(next.stderr)")
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "// restored by hand\n")
        }
    }

    /// A run that holds the directory is slowed at every rename (strace
    /// delays them), so a second run certainly comes while it writes.
    @Test func aRunDuringASlowWriteIsRefusedAndTheWriteCompletes() throws {
        try Self.withBaseline { output in
            let slow = try ChildProcess.start("/usr/bin/strace", ["-f", "-qq", "-o", "/dev/null", "-e", "inject=rename:delay_enter=400000",
                                                                 Repo.mqgen, "--headers", Versions.v6_12, "--output", output],
                                               environment: Repo.environment)
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: "\(output)/.mqgen-journal"), Date() < deadline { usleep(20_000) }
            let second = try runMQGen(["--headers", Versions.v6_1.include, "--output", output])
            let first = slow.finish()
            #expect(second.status == 1)
            #expect(second.stderr == "mqgen: error: \(output): another mqgen run is writing here (it holds the lock on this directory); run again when it has finished\n")
            #expect(first.status == 0, "\(first.stderr)")
            #expect(snapshot(output) == Versions.reference12)
        }
    }

    @Test func anMkdirThatFailsLeavesNoDirectoryBehind() throws {
        let parent = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        var failures = 0
        for step in 1...12 {
            let run = try runMQGen(["--headers", Versions.v6_12, "--output", "\(parent)/a/b/c"], under: Self.strace("mkdir:error=EACCES:when=\(step)"))
            if run.status == 0 { break }
            failures += 1
            #expect(run.stderr.contains(": cannot write output: mkdir: Permission denied"), "step \(step): \(run.stderr)")
            #expect(snapshot(parent).isEmpty, "step \(step): \(snapshot(parent).keys.sorted())")
        }
        // a, b, c, then rust, rust/bindings, rust/helpers, rust/kernel, rust/kernel/block, .../mq
        #expect(failures >= 9, "only \(failures) mkdirs were exercised")
        // And in an existing tree, the one new directory (rust/helpers) of the 6.1 -> 6.12 write.
        try Self.withBaseline { output in
            let run = try runMQGen(["--headers", Versions.v6_12, "--output", output], under: Self.strace("mkdir:error=EACCES:when=1"))
            #expect(run.stderr == "mqgen: error: \(output)/rust/helpers: cannot write output: mkdir: Permission denied; nothing was changed\n")
            #expect(snapshot(output) == Versions.reference61)
        }
    }

    /// Checked before the first rename: a read-only bind mount over one
    /// target, and a directory where a file goes.
    @Test func aTargetThatCannotBeReplacedIsFoundBeforeAnyRename() throws {
        try Self.withBaseline { output in
            let operations = "\(output)/rust/kernel/block/mq/operations.rs"
            let mount = ["/usr/bin/unshare", "--mount", "/bin/sh", "-c",
                         "mount --bind \"$1\" \"$1\" && mount -o remount,ro,bind \"$1\" && shift && exec \"$@\"", "sh", operations]
            let run = try runMQGen(["--headers", Versions.v6_12, "--output", output], under: mount)
            #expect(run.stderr == "mqgen: error: \(operations): cannot write output: a mount point (a bind mount over the file); a rename cannot replace it: unmount it first\n")
            #expect(snapshot(output) == Versions.reference61)
        }
        try Self.withBaseline { output in
            let blocker = "\(output)/rust/kernel/block/mq/request.rs"
            try FileManager.default.removeItem(atPath: blocker)
            try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: false)
            let before = snapshot(output)
            let run = try runMQGen(["--headers", Versions.v6_12, "--output", output])
            #expect(run.stderr == "mqgen: error: \(blocker): cannot write output: a directory is where mqgen writes a file; move it away\n")
            #expect(snapshot(output) == before)
        }
    }
}
