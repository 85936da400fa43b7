import BlockIR
import Foundation
import Testing

/// The mqgen binary as a user runs it.
@Suite struct CLITests {
    var fixtureInclude: String { "\(Repo.fixtureKernel)/include" }

    @Test func generatesByteIdenticalTreesAndRewritesNothingUnchanged() throws {
        let first = temporaryDirectory(), second = temporaryDirectory()
        defer { [first, second].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let run1 = try runMQGen(["--headers", fixtureInclude, "--output", first])
        let run2 = try runMQGen(["--headers", fixtureInclude, "--output", second])
        #expect(run1.status == 0 && run2.status == 0)
        #expect(listFiles(first) == listFiles(second) && listFiles(first).count == 11, "10 files and the manifest")
        for file in listFiles(first) {
            #expect(FileManager.default.contents(atPath: "\(first)/\(file)") == FileManager.default.contents(atPath: "\(second)/\(file)"))
        }
        let again = try runMQGen(["--headers", fixtureInclude, "--output", first])
        #expect(again.stderr.contains("0 written, 10 unchanged, 0 removed"))
    }

    @Test func checkReportsDriftWithDiffAndCommandAndWritesNothing() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        try runMQGen(["--headers", fixtureInclude, "--output", output])
        #expect(try runMQGen(["--headers", fixtureInclude, "--output", output, "--check"]).status == 0)

        let operations = "\(output)/rust/kernel/block/mq/operations.rs"
        let original = try String(contentsOfFile: operations, encoding: .utf8)
        try Data(original.replacingOccurrences(of: "        busy: None,\n", with: "").utf8).write(to: URL(fileURLWithPath: operations))

        let check = try runMQGen(["--headers", fixtureInclude, "--output", output, "--check"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("+        busy: None,"))
        #expect(check.stderr.hasPrefix("mqgen: error: \(output) differs from its headers in 1 file(s); regenerate with: mqgen --headers \(fixtureInclude) --output \(output)"))
        #expect(try String(contentsOfFile: operations, encoding: .utf8) != original, "--check must not write")

        // The file was edited by hand, so only --force puts it back.
        let fix = try runMQGen(["--headers", fixtureInclude, "--output", output, "--force"])
        #expect(fix.stderr.contains("1 written, 9 unchanged, 0 removed"))
        #expect(try String(contentsOfFile: operations, encoding: .utf8) == original)
    }

    @Test(arguments: [
        (["--headers", "/nonexistent/include"], "mqgen: error: /nonexistent/include: no such directory\n"),
        (["--headers", "/tmp"], "mqgen: error: /tmp: not a kernel include directory"),
        (["--bogus"], "mqgen: error: Unknown option '--bogus'"),
        (["--check", "--dump-ir"], "mqgen: error: --check, --dump-ir, --print-clang-args and --print-probe cannot be combined"),
        (["--headers", "/usr/src", "--objtree", "/nonexistent"], "mqgen: error: /nonexistent: no such directory"),
    ])
    func badInputIsOneErrorLine(arguments: [String], expected: String) throws {
        let output = temporaryDirectory()
        let result = try runMQGen(arguments + ["--output", output])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix(expected))
        #expect(!FileManager.default.fileExists(atPath: output), "nothing may be written on an error")
    }

    @Test func headerSyntaxErrorNamesFileLineAndColumnAndWritesNothing() throws {
        let fixture = try FixtureTree([.init(file: "include/linux/blkdev.h", find: "void put_disk(struct gendisk *disk);",
                                             replace: "void put_disk(struct gendisk *disk)")])
        defer { fixture.remove() }
        let output = temporaryDirectory()
        let result = try runMQGen(["--headers", fixture.include, "--output", output])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("mqgen: error: \(fixture.root)/include/linux/blkdev.h:"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func unwritableOutputLeavesNothingBehind() throws {
        let blocker = temporaryDirectory()
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: blocker))
        defer { try? FileManager.default.removeItem(atPath: blocker) }
        let result = try runMQGen(["--headers", fixtureInclude, "--output", "\(blocker)/out"])
        #expect(result.status == 1)
        #expect(result.stderr == "mqgen: error: \(blocker): cannot write output: not a directory, and the output goes below it\n")
        #expect(try String(contentsOfFile: blocker, encoding: .utf8) == "not a directory")
    }

    @Test func defaultTreeIsTheNewestDebianHeadersAndSaysSo() throws {
        let result = try runMQGen(["--dump-ir"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("mqgen: using \(DebianTree.v6_12.objtree) (newest Debian header tree installed)"))
        let api = try IRJSON.decode(result.stdout)
        #expect(api.kernel.series == "6.12")
    }
}
