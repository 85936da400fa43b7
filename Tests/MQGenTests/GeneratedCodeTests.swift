import Clang
import Foundation
import Gen
import KernelHeaders
import Testing
import TestSupport

/// The generated files checked by the tools the kernel itself uses.
@Suite struct GeneratedCodeTests {
    /// rustfmt with the settings of the kernel's .rustfmt.toml.
    @Test(arguments: DebianTree.allCases)
    func rustIsRustfmtClean(tree: DebianTree) throws {
        let rustfmt = try #require(Self.which("rustfmt"), "rustfmt not found; Scripts/setup installs it")
        let files = listFiles(tree.output).filter { $0.hasSuffix(".rs") }.map { "\(tree.output)/\($0)" }
        // The same Rust files as upstream's hand-written module of the
        // series, where Scripts/setup extracted it (6.12, 7.3): 7.3 writes the
        // disk name with the kernel's NullTerminatedFormatter and has no
        // raw_writer.rs. mqgen adds command.rs (a request's operation and
        // flags), which upstream has not written yet.
        let upstream = "\(Repo.root)/.build/upstream/\(tree.series)"
        if FileManager.default.fileExists(atPath: "\(upstream)/rust/kernel/block.rs") {
            let generated = listFiles(tree.output).filter { $0.hasPrefix("rust/kernel/block") && $0.hasSuffix(".rs") }
            let theirs = ["rust/kernel/block.rs"] + listFiles("\(upstream)/rust/kernel/block").filter { $0.hasSuffix(".rs") }.map { "rust/kernel/block/\($0)" }
            #expect(Set(generated) == Set(theirs + ["rust/kernel/block/mq/command.rs"]))
        }
        let result = try Self.run(rustfmt, ["--check", "--edition", "2021", "--config", "newline_style=Unix"] + files)
        #expect(result.status == 0, "rustfmt --check:\n\(result.output)")
    }

    /// Every era the table can produce, rendered from a real release's
    /// headers (7.3's, which every era's templates accept), is rustfmt-clean:
    /// the eras between the committed trees (6.15, 6.17, 6.18, 7.0) are
    /// otherwise never formatted.
    @Test func everyEraIsRustfmtClean() throws {
        let rustfmt = try #require(Self.which("rustfmt"), "rustfmt not found; Scripts/setup installs it")
        let api = try DebianTree.v7_3.api
        let renderer = try Renderer(templates: Repo.templates)
        let releases = Set(KernelFeature.allCases.map(\.since)).sorted()
        #expect(releases.count >= 5)
        for release in releases {
            let directory = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let rendered = try renderer.render(api, features: KernelFeatures(release: release))
            var files: [String] = []
            for (path, text) in rendered.files where path.hasSuffix(".rs") {
                let file = "\(directory)/\(path)"
                try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: URL(fileURLWithPath: file))
                files.append(file)
            }
            let result = try Self.run(rustfmt, ["--check", "--edition", "2021", "--config", "newline_style=Unix"] + files.sorted())
            #expect(result.status == 0, "era of \(release.series): rustfmt --check:\n\(result.output)")
        }
    }

    /// The C shims, bodies included, compile against their own tree with
    /// -Wall, warning-free. `__rust_helper` is defined as the tree's
    /// `rust/helpers/helpers.c` does before it includes them (empty, but for LTO).
    @Test(arguments: DebianTree.allCases)
    func helperShimsCompileCleanly(tree: DebianTree) throws {
        let kernel = try tree.tree
        let helpers = listFiles(tree.output).first { $0.hasPrefix("rust/helpers") }!
        let path = "\(tree.output)/\(helpers)"
        let arguments = kernel.clangArguments.filter { $0 != "-w" }
            + ["-D__rust_helper=", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-sign-compare", "-x", "c"]
        let unit = try TranslationUnit(index: Index(), mainFile: path, arguments: arguments, options: [])
        let mine = unit.diagnostics.filter { $0.path == path && $0.severity >= .warning }
        #expect(mine.isEmpty, "\(mine)")
        #expect(unit.diagnostics.filter { $0.severity >= .error }.isEmpty, "\(unit.diagnostics.filter { $0.severity >= .error })")
    }

    /// checkpatch, extracted from linux-source-6.12 by Scripts/setup.
    @Test(arguments: DebianTree.allCases)
    func cIsCheckpatchClean(tree: DebianTree) throws {
        let checkpatch = "\(Repo.root)/.build/kernel-tools/scripts/checkpatch.pl"
        try #require(FileManager.default.fileExists(atPath: checkpatch), "\(checkpatch) missing; run Scripts/setup")
        for file in listFiles(tree.output) where file.hasPrefix("rust/helpers") {
            let result = try Self.run("/usr/bin/perl", [checkpatch, "--no-tree", "--terse", "--show-types", "-f", "\(tree.output)/\(file)"])
            #expect(!result.output.contains("ERROR"), "checkpatch \(file):\n\(result.output)")
            #expect(!result.output.contains("WARNING"), "checkpatch \(file):\n\(result.output)")
        }
    }

    static func which(_ tool: String) -> String? { ToolPath.find(tool) }

    /// The tool's stdout and stderr together, as a person would read them.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try ChildProcess.run(executable, arguments)
        return (result.status, result.stdout + result.stderr)
    }
}
