import Foundation
import Testing
@testable import Gen
@testable import KernelTreeEditor
@testable import Writer

/// `--output` as a careless user gives it: relative, empty, shared with other
/// trees, holding files mqgen did not write. mqgen owns what its manifest
/// lists and nothing else.
@Suite struct OutputDirectoryTests {
    @Test func aRelativeOutputWhoseParentsDoNotExistIsCreated() throws {
        let cwd = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: cwd) }
        let run = try runMQGen(["--headers", Versions.v6_12, "--output", "newdir/deeper"], in: cwd, timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(snapshot("\(cwd)/newdir/deeper") == Versions.reference12)
    }

    @Test(arguments: [
        ("", "mqgen: error: --output: an empty path; name the directory to write into\n"),
        ("/", "mqgen: error: /: refusing to write a generated tree into the root directory; name a directory below it\n"),
        ("/tmp/../", "mqgen: error: /tmp/../: refusing to write a generated tree into the root directory; name a directory below it\n"),
    ])
    func anEmptyOrRootOutputIsAnError(output: String, expected: String) throws {
        let run = try runMQGen(["--headers", Versions.v6_12, "--output", output])
        #expect(run.status != 0)
        #expect(run.stderr == expected)
        #expect(!FileManager.default.fileExists(atPath: "/rust/kernel/block.rs"))
    }

    /// `Output/` itself, holding the 6.1 and 6.12 trees, is not an output
    /// directory; nor is a directory inside one of them.
    @Test func aDirectoryHoldingOrInsideOtherTreesIsRefusedAndNothingIsDeleted() throws {
        let parent = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        for series in ["6.1", "6.12"] {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(Repo.root)/Output/\(series)", toPath: "\(parent)/\(series)")
        }
        let before = snapshot(parent)
        #expect(before.keys.filter { !$0.hasSuffix("/") && !$0.hasSuffix(Manifest.fileName) }.count == 20)

        let holding = try runMQGen(["--headers", Versions.v6_12, "--output", parent])
        #expect(holding.status == 1)
        #expect(holding.stderr == "mqgen: error: \(parent): holds another generated tree in \(parent)/6.1; write each tree to a directory of its own (by default mqgen writes Output/<major.minor>)\n")
        let inside = try runMQGen(["--headers", Versions.v6_12, "--output", "\(parent)/6.12/rust"])
        #expect(inside.status == 1)
        #expect(inside.stderr == "mqgen: error: \(parent)/6.12/rust: inside the generated tree \(parent)/6.12; write each tree to a directory of its own\n")
        #expect(snapshot(parent) == before)
    }

    /// A backup, a note that quotes the notice line, a generated file of
    /// another tree: none is in the manifest, so none is stale.
    @Test func filesThatCarryTheNoticeButAreNotInTheManifestAreKept() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        try runMQGen(["--headers", Versions.v6_1.include, "--output", output])
        let operations = try String(contentsOfFile: "\(output)/rust/kernel/block/mq/operations.rs", encoding: .utf8)
        let keep = [
            "rust/kernel/block/mq/operations.rs.orig": operations,
            "NOTES": "The files say: // \(GeneratedNotice.prefix) include/linux/blk-mq.h\n",
            "rust/kernel/block/mq/old_table.rs": "// SPDX-License-Identifier: GPL-2.0\n// \(GeneratedNotice.prefix) an older table\n",
        ]
        for (path, text) in keep { try write(text, to: "\(output)/\(path)") }

        let check = try runMQGen(["--headers", Versions.v6_12, "--output", output, "--check"])
        #expect(check.stdout.contains("stale: rust/helpers.c.fragment"))
        #expect(!check.stdout.contains("stale: rust/kernel") && !check.stdout.contains("stale: NOTES"))
        let run = try runMQGen(["--headers", Versions.v6_12, "--output", output])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("1 removed"))
        #expect(!FileManager.default.fileExists(atPath: "\(output)/rust/helpers.c.fragment"))
        for (path, text) in keep {
            #expect(try String(contentsOfFile: "\(output)/\(path)", encoding: .utf8) == text, "\(path)")
        }
    }

    @Test func aFIFOBesideTheTreeIsLeftAloneAndOneAtAGeneratedPathIsRefused() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        try runMQGen(["--headers", Versions.v6_1.include, "--output", output])
        for fifo in ["\(output)/pipe", "\(output)/rust/kernel/block/mq/pipe"] { #expect(mkfifo(fifo, 0o644) == 0) }
        let run = try runMQGen(["--headers", Versions.v6_12, "--output", output], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileSystem.kind("\(output)/pipe") == .special("a FIFO"))

        let request = "\(output)/rust/kernel/block/mq/request.rs"
        try FileManager.default.removeItem(atPath: request)
        #expect(mkfifo(request, 0o644) == 0)
        let before = snapshot(output).filter { $0.key != "rust/kernel/block/mq/request.rs" && !$0.key.hasSuffix("pipe") }
        for extra in [[], ["--check"]] {
            let refused = try runMQGen(["--headers", Versions.v6_12, "--output", output] + extra, timeout: 60)
            #expect(refused.status == 1)
            #expect(refused.stderr == "mqgen: error: \(request): cannot write output: a FIFO is where mqgen writes a file; move it away\n")
        }
        #expect(snapshot(output).filter { $0.key != "rust/kernel/block/mq/request.rs" && !$0.key.hasSuffix("pipe") } == before)
    }

    @Test func aFileEditedSinceItWasGeneratedIsRefusedUnlessForced() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        try runMQGen(["--headers", Versions.v6_1.include, "--output", output])
        let operations = "\(output)/rust/kernel/block/mq/operations.rs"
        let fragment = "\(output)/rust/helpers.c.fragment"
        let generated = try String(contentsOfFile: operations, encoding: .utf8)
        let edited = generated + "// my change\n"
        try write(edited, to: operations)
        let run = try runMQGen(["--headers", Versions.v6_1.include, "--output", output])
        #expect(run.status == 1)
        #expect(run.stderr == "mqgen: error: \(operations): edited since mqgen wrote it (--check shows how); keep the change elsewhere, or pass --force to overwrite it\n")
        #expect(try String(contentsOfFile: operations, encoding: .utf8) == edited)

        // An edited file that the new table drops is not removed either.
        try write(generated, to: operations)
        try write(try String(contentsOfFile: fragment, encoding: .utf8) + "/* mine */\n", to: fragment)
        let before = snapshot(output)
        let stale = try runMQGen(["--headers", Versions.v6_12, "--output", output])
        #expect(stale.status == 1)
        #expect(stale.stderr == "mqgen: error: \(fragment): edited since mqgen wrote it (--check shows how); keep the change elsewhere, or pass --force to overwrite it\n")
        #expect(snapshot(output) == before)
        try write(edited, to: operations)

        let check = try runMQGen(["--headers", Versions.v6_1.include, "--output", output, "--check"])
        #expect(check.stdout.contains("-// my change"))
        let forced = try runMQGen(["--headers", Versions.v6_12, "--output", output, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(snapshot(output) == Versions.reference12)
    }

    @Test func aFileAtAGeneratedPathThatMqgenDidNotWriteIsRefusedUnlessForced() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let mine = "\(output)/rust/kernel/block/mq.rs"
        try write("//! My own block module.\n", to: mine)
        let run = try runMQGen(["--headers", Versions.v6_12, "--output", output])
        #expect(run.status == 1)
        #expect(run.stderr == "mqgen: error: \(mine): not written by mqgen, and a generated file goes there; move it away, or pass --force to overwrite it\n")
        #expect(snapshot(output) == ["rust/": Data(), "rust/kernel/": Data(), "rust/kernel/block/": Data(), "rust/kernel/block/mq.rs": Data("//! My own block module.\n".utf8)])
        #expect(try runMQGen(["--headers", Versions.v6_12, "--output", output, "--force"]).status == 0)
        #expect(snapshot(output) == Versions.reference12)
    }

    /// A tree generated before mqgen kept a manifest is adopted: its files
    /// carry the notice, so they are replaced; what it has that the new
    /// table does not is no file mqgen knows it wrote, so it stays.
    @Test func aTreeFromBeforeManifestsIsAdopted() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let legacy = Versions.reference61.filter { $0.key != Manifest.fileName }
        try materialize(legacy, at: output)
        let run = try runMQGen(["--headers", Versions.v6_12, "--output", output])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("0 removed"))
        var expected = Versions.reference12
        expected["rust/helpers.c.fragment"] = legacy["rust/helpers.c.fragment"]
        #expect(snapshot(output) == expected)
    }

    /// One file, one spelling: a manifest that names a file twice (`./`)
    /// would have two steps on it.
    @Test func aManifestThatNamesAFileTwiceIsRefused() throws {
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        try materialize(Versions.reference12, at: output)
        let manifest = "\(output)/\(Manifest.fileName)"
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasSuffix(" rust/helpers/blk.c") })
        try write(text + line.replacingOccurrences(of: " rust/", with: " ./rust/") + "\n", to: manifest)
        let before = snapshot(output)
        let run = try runMQGen(["--headers", Versions.v6_1.include, "--output", output])
        #expect(run.status == 1)
        #expect(run.stderr == "mqgen: error: \(manifest):\(text.split(separator: "\n").count + 1): not a line of an mqgen manifest (or a path listed twice); remove the file to start afresh\n")
        #expect(snapshot(output) == before)
    }
}
