import Foundation
import Testing
@testable import Gen
@testable import KernelTreeEditor
@testable import Writer

/// In-tree mode on kernel trees that are not quite what mqgen expects: the
/// block module declared another way, DOS line endings, linked files, a
/// generated file edited by hand, a notice-carrying file mqgen did not write.
@Suite struct InTreeVariantsTests {
    static let libRs = "rust/kernel/lib.rs"

    /// Each form declares the module `block`; rustc would reject a second one.
    @Test(arguments: [
        "pub mod block ;",
        "pub(crate) mod block;",
        "mod block;",
        "#[cfg(CONFIG_BLOCK)] pub mod block;",
        "pub mod block; // the block layer",
        "    pub mod block;",
        "pub mod block {}",
    ])
    func aModuleDeclaredInAnyFormIsNotDeclaredAgain(declaration: String) throws {
        let tree = try InTreeTests.tree()
        defer { tree.remove() }
        let path = "\(tree.root)/\(Self.libRs)"
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "pub mod device;\n", with: "pub mod device;\n\(declaration)\n")
        try write(text, to: path)
        let run = try runMQGen(["--kernel-tree", tree.root])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test(arguments: ["rust/kernel/lib.rs", "rust/helpers/helpers.c", "rust/bindings/bindings_helper.h"])
    func crlfLineEndingsAreNamed(file: String) throws {
        let tree = try InTreeTests.tree()
        defer { tree.remove() }
        let path = "\(tree.root)/\(file)"
        try write(try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n"), to: path)
        let before = snapshot(tree.root)
        let run = try runMQGen(["--kernel-tree", tree.root])
        #expect(run.status == 1)
        #expect(run.stderr == "mqgen: error: \(path): has CRLF (DOS) line endings, where the kernel's files have LF; mqgen edits only LF files: convert it (dos2unix) and run again\n")
        #expect(snapshot(tree.root) == before)
    }

    /// The link stays a link, and the file it points to keeps its mode.
    @Test func aSymlinkedLibRsIsWrittenThroughAndKeepsItsMode() throws {
        let tree = try InTreeTests.tree()
        defer { tree.remove() }
        let link = "\(tree.root)/\(Self.libRs)", real = "\(tree.root)/rust/kernel/lib-real.rs"
        try FileManager.default.moveItem(atPath: link, toPath: real)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "lib-real.rs")
        #expect(chmod(real, 0o640) == 0)
        let run = try runMQGen(["--kernel-tree", tree.root])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(FileSystem.kind(link) == .symlink)
        #expect(FileSystem.kind(real) == .regular(mode: 0o640, links: 1))
        let expected = try String(contentsOfFile: "\(InTreeTests.rustFixture)/after/\(Self.libRs)", encoding: .utf8)
        #expect(try String(contentsOfFile: real, encoding: .utf8) == expected)
    }

    /// The lines to insert are read from the kernel's own files, which a
    /// killed run may have moved to a backup: the next run undoes that first.
    @Test func anInTreeRunKilledAtAnyRenameIsUndoneByTheNext() throws {
        for step in 1...14 {
            let tree = try InTreeTests.tree()
            defer { tree.remove() }
            let killed = try runMQGen(["--kernel-tree", tree.root], under: FaultInjectionTests.strace("rename:signal=KILL:when=\(step)"))
            if killed.status == 0 { break }
            let next = try runMQGen(["--kernel-tree", tree.root])
            #expect(next.status == 0, "step \(step): \(next.stderr)")
            for file in listFiles("\(InTreeTests.rustFixture)/after") {
                let expected = try String(contentsOfFile: "\(InTreeTests.rustFixture)/after/\(file)", encoding: .utf8)
                #expect(try String(contentsOfFile: "\(tree.root)/\(file)", encoding: .utf8) == expected, "step \(step): \(file)")
            }
            #expect(leftovers(tree.root).isEmpty, "step \(step)")
        }
    }

    /// A hard link only matters where a file is replaced: an unchanged
    /// generated file may have one (a tree copied with `cp -al`).
    @Test func aHardLinkOnAnUnchangedFileIsNoObstacle() throws {
        let tree = try InTreeTests.tree()
        defer { tree.remove() }
        #expect(try runMQGen(["--kernel-tree", tree.root]).status == 0)
        #expect(link("\(tree.root)/rust/kernel/block/mq/request.rs", "\(tree.root)/request-copy.rs") == 0)
        let run = try runMQGen(["--kernel-tree", tree.root])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("0 written, 12 unchanged, 0 removed"))
    }

    @Test func aHardLinkedWiredFileIsRefused() throws {
        let tree = try InTreeTests.tree()
        defer { tree.remove() }
        let path = "\(tree.root)/\(Self.libRs)"
        #expect(link(path, "\(tree.root)/lib-copy.rs") == 0)
        let before = snapshot(tree.root)
        let run = try runMQGen(["--kernel-tree", tree.root])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("mqgen: error: \(path): cannot write output: the file has 2 hard links;"))
        #expect(snapshot(tree.root) == before)
    }

    @Test func aGeneratedFileEditedByHandIsKeptUnlessForced() throws {
        let tree = try InTreeTests.tree()
        defer { tree.remove() }
        #expect(try runMQGen(["--kernel-tree", tree.root]).status == 0)
        let request = "\(tree.root)/rust/kernel/block/mq/request.rs"
        let generated = try String(contentsOfFile: request, encoding: .utf8)
        try write(generated + "// a local fix\n", to: request)
        let run = try runMQGen(["--kernel-tree", tree.root])
        #expect(run.status == 1)
        #expect(run.stderr == "mqgen: error: \(request): edited since mqgen wrote it (--check shows how); keep the change elsewhere, or pass --force to overwrite it\n")
        #expect(try String(contentsOfFile: request, encoding: .utf8) == generated + "// a local fix\n")
        #expect(try runMQGen(["--kernel-tree", tree.root, "--check"]).stdout.contains("-// a local fix"))
        #expect(try runMQGen(["--kernel-tree", tree.root, "--force"]).status == 0)
        #expect(try String(contentsOfFile: request, encoding: .utf8) == generated)
    }

    /// Upstream's own block module is what in-tree mode replaces on the
    /// first run; a file beside it that mqgen did not write stays, notice or not.
    @Test func onlyFilesOfTheManifestAreEverRemoved() throws {
        let tree = try InTreeTests.tree()
        defer { tree.remove() }
        let upstream = "\(tree.root)/rust/kernel/block/mq/request.rs"
        try write("// SPDX-License-Identifier: GPL-2.0\n//! Upstream's request.\n", to: upstream)
        #expect(try runMQGen(["--kernel-tree", tree.root]).status == 0)
        #expect(try String(contentsOfFile: upstream, encoding: .utf8).contains(GeneratedNotice.prefix))

        let marked = "// SPDX-License-Identifier: GPL-2.0\n// \(GeneratedNotice.prefix) an older table\n"
        let beside = "\(tree.root)/rust/kernel/block/mq/old_table.rs"
        try write(marked, to: beside)
        let check = try runMQGen(["--kernel-tree", tree.root, "--check"])
        #expect(check.status == 0, "\(check.stdout)")
        let run = try runMQGen(["--kernel-tree", tree.root])
        #expect(run.stderr.contains("0 written, 12 unchanged, 0 removed"))
        #expect(try String(contentsOfFile: beside, encoding: .utf8) == marked)
    }
}
