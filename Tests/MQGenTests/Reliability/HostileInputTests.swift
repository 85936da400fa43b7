import Foundation
import TestSupport
import Testing
@testable import Gen
@testable import KernelTreeEditor
@testable import Writer

/// The second round of hostile input, as a careless script gives it: files
/// that are not files, templates that never end, links out of the tree,
/// bytes that are not UTF-8, a stdout that cannot be written, and files
/// that are there but wrong. Each once hung mqgen, wrote outside the tree,
/// exited 0 having lost output, or said the wrong thing.
///
/// Every case expects one `mqgen: error:` line naming the file or option,
/// a failing exit within a deadline (a hang is recorded by `runMQGen`),
/// and nothing written.
@Suite struct HostileInputTests {
    // MARK: Files that are not files

    /// Every file mqgen or libclang opens, each replaced by a FIFO: the
    /// header named on the command line, one it includes, one forced with
    /// `-include`, the generated headers, the top Makefile.
    static let openedFiles = [
        "include/linux/blk-mq.h", "include/linux/blk_types.h", "include/linux/kconfig.h",
        "include/generated/uapi/linux/version.h", "include/generated/autoconf.h", "Makefile",
    ]

    @Test(arguments: openedFiles)
    func aFIFOWhereAFileIsOpenedIsNamedInsteadOfBlocking(file: String) throws {
        let fixture = try FixtureTree()
        defer { fixture.remove() }
        let path = "\(fixture.root)/\(file)"
        unlink(path)
        try #require(mkfifo(path, 0o644) == 0)
        try expectNothingWritten(fixture, error: "\(path): is a FIFO, not a file; reading it would block")
    }

    /// `/dev/zero` reads without end: once mqgen grew until the OOM killer.
    @Test(arguments: ["include/linux/blk_types.h", "include/linux/mqgen-unused.h"])
    func aLinkToADeviceOnTheIncludePathIsRefused(file: String) throws {
        let fixture = try FixtureTree()
        defer { fixture.remove() }
        let path = "\(fixture.root)/\(file)"
        unlink(path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        try expectNothingWritten(fixture, error: "\(path): is a device node, not a file; reading it would not end")
    }

    /// A link loop in the include path is walked once, not forever.
    @Test func aDirectoryLinkLoopInTheIncludePathEnds() throws {
        let fixture = try FixtureTree()
        defer { fixture.remove() }
        try FileManager.default.createSymbolicLink(atPath: "\(fixture.root)/include/linux/loop", withDestinationPath: "..")
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try runMQGen(["--headers", fixture.include, "--output", output], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
    }

    // MARK: Templates that never end

    static let templateCycles: [(name: String, files: [String: String], error: String)] = [
        ("includes itself", ["rust/mq.rs.stencil": "{% include \"rust/mq.rs.stencil\" %}\n"],
         "rust/mq.rs.stencil: includes or extends itself (rust/mq.rs.stencil -> rust/mq.rs.stencil); a template must not reach itself"),
        ("extends through another", ["rust/mq.rs.stencil": "{% extends \"rust/base.stencil\" %}\n",
                                     "rust/base.stencil": "{% include 'rust/mq.rs.stencil' %}\n"],
         "rust/mq.rs.stencil: includes or extends itself (rust/mq.rs.stencil -> rust/base.stencil -> rust/mq.rs.stencil); a template must not reach itself"),
        ("includes a variable", ["rust/mq.rs.stencil": "{% include ctx.kernel %}\n"],
         "rust/mq.rs.stencil: '{% include ctx.kernel %}' names its template by a variable; name it by a literal string, so that mqgen can check for cycles before rendering"),
        ("leaves the directory", ["rust/mq.rs.stencil": "{% include \"../../etc/passwd\" %}\n"],
         "../../etc/passwd: a template name must stay inside the templates directory"),
    ]

    @Test(arguments: templateCycles.map(\.name))
    func aTemplateThatCannotEndIsNamedBeforeAnythingIsCreated(name: String) throws {
        let cycle = Self.templateCycles.first { $0.name == name }!
        let templates = try Self.templates(replacing: cycle.files)
        defer { try? FileManager.default.removeItem(atPath: templates) }
        let output = "\(temporaryDirectory())/new"
        let run = try runMQGen(["--headers", Versions.v6_12, "--output", output, "--templates", templates], timeout: 60)
        #expect(run.status == 1)
        #expect(run.stderr == "mqgen: error: \(templates)/\(cycle.error)\n")
        #expect(!FileManager.default.fileExists(atPath: (output as NSString).deletingLastPathComponent), "a directory was left behind")
    }

    @Test func aFIFOTemplateIsNamed() throws {
        let templates = try Self.templates(replacing: [:])
        defer { try? FileManager.default.removeItem(atPath: templates) }
        unlink("\(templates)/rust/tag_set.rs.stencil")
        try #require(mkfifo("\(templates)/rust/tag_set.rs.stencil", 0o644) == 0)
        let output = temporaryDirectory()
        let run = try runMQGen(["--headers", Versions.v6_12, "--output", output, "--templates", templates], timeout: 60)
        #expect(run.stderr == "mqgen: error: \(templates)/rust/tag_set.rs.stencil: not a regular file; mqgen reads only files\n")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// A copy of the checkout's templates with `files` written over it.
    static func templates(replacing files: [String: String]) throws -> String {
        let directory = temporaryDirectory()
        try FileManager.default.copyItem(atPath: Repo.templateDirectory.path, toPath: directory)
        for (name, text) in files { try write(text, to: "\(directory)/\(name)") }
        return directory
    }

    // MARK: Links out of the tree

    /// `rust/kernel/block/mq` linked into another generated tree: once that
    /// tree was rewritten and a file of it deleted, with exit 0.
    @Test func aDirectoryLinkInsideTheOutputIsRefusedAndTheOtherTreeKept() throws {
        let (mine, other) = (temporaryDirectory(), temporaryDirectory())
        defer { for directory in [mine, other] { try? FileManager.default.removeItem(atPath: directory) } }
        try runMQGen(["--headers", Versions.v6_1.include, "--output", mine])
        try runMQGen(["--headers", Versions.v6_1.include, "--output", other])
        let link = "\(mine)/rust/kernel/block/mq"
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "\(other)/rust/kernel/block/mq")
        let before = snapshot(other)

        let run = try runMQGen(["--headers", Versions.v6_12, "--output", mine])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("mqgen: error: \(link): cannot write output: a symlink to a directory inside the output;"), "\(run.stderr)")
        #expect(snapshot(other) == before)
    }

    /// A manifest entry through a linked directory would make a file
    /// outside the tree look stale, and remove it.
    @Test func aManifestPathThroughALinkedDirectoryRemovesNothingOutside() throws {
        let (output, outside) = (temporaryDirectory(), temporaryDirectory())
        defer { for directory in [output, outside] { try? FileManager.default.removeItem(atPath: directory) } }
        try runMQGen(["--headers", Versions.v6_12, "--output", output])
        let victim = Data("// SPDX-License-Identifier: GPL-2.0\n// someone else's file\n".utf8)
        try write(String(decoding: victim, as: UTF8.self), to: "\(outside)/victim.rs")
        try FileManager.default.createSymbolicLink(atPath: "\(output)/linked", withDestinationPath: outside)
        let manifest = "\(output)/\(Manifest.fileName)"
        let entry = "\(Manifest.digest(victim)) linked/victim.rs\n"
        try write(try String(contentsOfFile: manifest, encoding: .utf8) + entry, to: manifest)

        let run = try runMQGen(["--headers", Versions.v6_12, "--output", output])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("mqgen: error: \(output)/linked: cannot write output: a symlink to a directory inside the output;"), "\(run.stderr)")
        #expect(FileManager.default.contents(atPath: "\(outside)/victim.rs") == victim)
    }

    // MARK: Bytes that are not UTF-8

    /// Swift would turn the byte into U+FFFD and write a directory nobody
    /// named; an existing --headers directory was "no such directory".
    @Test(arguments: ["--output", "--headers"])
    func aPathThatIsNotUTF8IsRefusedByName(option: String) throws {
        let parent = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        // The shell passes the byte as it is; Foundation would encode it.
        let path = "\(parent)/bad\\377name"
        let other = option == "--output" ? "--headers \(Versions.v6_12)" : "--output \(parent)/out"
        if option == "--headers" {
            try #require(ChildProcess.run("/bin/sh", ["-c", "cp -r \(Repo.fixtureKernel) \"$(printf '\(path)')\""]).status == 0)
        }
        let run = try ChildProcess.run("/bin/sh", ["-c", "exec \(Repo.mqgen) \(option) \"$(printf '\(path)')\" \(other)"],
                                       environment: Repo.environment, timeout: 60)
        #expect(run.status == 2)
        #expect(run.stderr == "mqgen: error: \(option): '\(parent)/bad\\xffname' is not valid UTF-8; mqgen takes UTF-8 arguments only (rename the path, or reach it through a link with a UTF-8 name)\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: parent)
        #expect(left == (option == "--headers" ? [try #require(left.first)] : []), "\(left)")
    }

    // MARK: A stdout that cannot be written

    @Test(arguments: [["--dump-ir"], ["--print-clang-args"], ["--check", "--output", "/nonexistent-mqgen-output"]])
    func aFullStdoutIsAnError(arguments: [String]) throws {
        let command = ([Repo.mqgen, "--headers", Versions.v6_12] + arguments).joined(separator: " ")
        let run = try ChildProcess.run("/bin/sh", ["-c", "exec \(command) > /dev/full"], environment: Repo.environment, timeout: 60)
        #expect(run.status == 1)
        #expect(run.stderr == "mqgen: error: stdout: write failed: No space left on device (errno 28)\n")
    }

    // MARK: Files that are there but wrong

    @Test func aMalformedVersionHeaderIsCalledMalformedNotMissing() throws {
        let fixture = try FixtureTree()
        defer { fixture.remove() }
        try write("#define LINUX_VERSION_MAJOR six\n#define LINUX_VERSION_PATCHLEVEL twelve\n",
                  to: "\(fixture.root)/include/generated/uapi/linux/version.h")
        try expectNothingWritten(fixture, error: "\(fixture.root)/include/generated/uapi/linux/version.h: defines neither LINUX_VERSION_MAJOR and LINUX_VERSION_PATCHLEVEL nor LINUX_VERSION_CODE as integers; the objtree's generated headers are damaged. Run 'make prepare' there again")
    }

    /// A file given where a directory goes was "no such directory".
    @Test(arguments: [["--headers", "FILE"], ["--headers", "\(Versions.v6_12)", "--objtree", "FILE"], ["--kernel-tree", "FILE"]])
    func aFileWhereADirectoryGoesIsCalledAFile(arguments: [String]) throws {
        let file = temporaryDirectory()
        try write("not a tree\n", to: file)
        defer { unlink(file) }
        let output = arguments[0] == "--kernel-tree" ? [] : ["--output", "\(file).out"]
        let run = try runMQGen(arguments.map { $0 == "FILE" ? file : $0 } + output)
        #expect(run.status == 1)
        #expect(run.stderr == "mqgen: error: \(file): not a directory\n")
    }

    /// While a run writes, its journal is there: `--check` once said an
    /// interrupted run had left it.
    @Test func checkWhileARunHoldsTheDirectorySaysSo() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        try runMQGen(["--headers", Versions.v6_12, "--output", output])
        let lock = try #require(try DirectoryLock(directory: output))
        try write("{}", to: "\(output)/\(Journal.fileName)")
        let check = try runMQGen(["--headers", Versions.v6_12, "--output", output, "--check"])
        withExtendedLifetime(lock) {}
        #expect(check.status == 1)
        #expect(check.stderr == "mqgen: error: \(output): another mqgen run is writing here (it holds the lock on this directory); run again when it has finished\n")
    }

    /// As root every file is readable, so the check runs as nobody.
    @Test func checkOnAnUnreadableFileSaysItCannotRead() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        try runMQGen(["--headers", Versions.v6_12, "--output", output])
        let file = "\(output)/rust/kernel/block/mq/tag_set.rs"
        try #require(ChildProcess.run("/bin/chown", ["-R", "nobody:nogroup", output]).status == 0)
        try #require(chmod(file, 0) == 0)
        let check = try runMQGen(["--headers", Versions.v6_12, "--output", output, "--check"],
                                 under: ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"])
        #expect(check.status == 1)
        #expect(check.stderr == "mqgen: error: \(file): cannot read: open: Permission denied\n")
    }

    /// 3 000 stars once made the IR too deep for JSON (an error line that
    /// dumped the whole IR), 10 000 overflowed the stack.
    @Test(arguments: [40, 3_000, 10_000])
    func aTypeNestedBeyondAnyKernelTypeIsRefused(stars: Int) throws {
        let fixture = try FixtureTree([.init(file: "include/linux/blkdev.h", find: "struct queue_limits {\n",
                                             replace: "struct queue_limits {\n\tint \(String(repeating: "*", count: stars))deep;\n")])
        defer { fixture.remove() }
        let line = try fixture.line(of: "deep;", in: "include/linux/blkdev.h")
        try expectNothingWritten(fixture, error: "include/linux/blkdev.h:\(line): the type of 'queue_limits.deep' nests pointers, arrays or functions more than 32 deep; no kernel type does, and mqgen reads none that does")
    }

    /// A directive megabytes long is quoted in a line a person can read.
    @Test func anErrorQuotesAHugeDirectiveShortened() throws {
        // `>` is no Kconfig test mqgen can turn into a cfg: refused, quoting it.
        let condition = "CONFIG_MQGEN_ON > 0" + String(repeating: " && CONFIG_MQGEN_ON > 0", count: 100_000)
        let fixture = try FixtureTree([.init(file: "include/linux/blk-mq.h", find: "#ifdef CONFIG_MQGEN_ON\n\tvoid (*when_on)",
                                             replace: "#if \(condition)\n\tvoid (*when_on)")])
        defer { fixture.remove() }
        let output = temporaryDirectory()
        let run = try runMQGen(["--headers", fixture.include, "--output", output])
        #expect(run.status == 1)
        #expect(run.stderr.utf8.count < 600, "\(run.stderr.utf8.count) bytes of error")
        #expect(run.stderr.hasPrefix("mqgen: error: \(fixture.root)/include/linux/blk-mq.h:"), "\(run.stderr.prefix(600))")
        #expect(run.stderr.contains("cannot express '#if CONFIG_MQGEN_ON > 0 && CONFIG_MQGEN_ON > 0"), "\(run.stderr.prefix(600))")
        #expect(run.stderr.contains(" bytes)' as a Rust cfg"), "\(run.stderr.prefix(600))")
    }
}

/// Runs mqgen on `fixture` into a new directory and expects exactly
/// `mqgen: error: <error>`, a failing exit, and no directory made.
func expectNothingWritten(_ fixture: FixtureTree, error: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let output = "\(temporaryDirectory())/out"
    let run = try runMQGen(["--headers", fixture.include, "--output", output], timeout: 60, sourceLocation: sourceLocation)
    #expect(run.status == 1, sourceLocation: sourceLocation)
    #expect(run.stderr == "mqgen: error: \(error)\n", sourceLocation: sourceLocation)
    #expect(!FileManager.default.fileExists(atPath: (output as NSString).deletingLastPathComponent), sourceLocation: sourceLocation)
}
