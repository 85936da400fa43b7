import Clang
import Foundation
import KernelHeaders
import Testing

/// The generated files checked by the tools the kernel itself uses.
@Suite struct GeneratedCodeTests {
    /// rustfmt with the settings of the kernel's .rustfmt.toml.
    @Test(arguments: DebianTree.allCases)
    func rustIsRustfmtClean(tree: DebianTree) throws {
        let rustfmt = try #require(Self.which("rustfmt"), "rustfmt not found; Scripts/setup installs it")
        let files = listFiles(tree.output).filter { $0.hasSuffix(".rs") }.map { "\(tree.output)/\($0)" }
        #expect(files.count == 7)
        let result = try Self.run(rustfmt, ["--check", "--edition", "2021", "--config", "newline_style=Unix"] + files)
        #expect(result.status == 0, "rustfmt --check:\n\(result.output)")
    }

    /// The C shims compile against their own tree with -Wall, warning-free.
    @Test(arguments: DebianTree.allCases)
    func helperShimsCompileCleanly(tree: DebianTree) throws {
        let kernel = try tree.tree
        let helpers = listFiles(tree.output).first { $0.hasPrefix("rust/helpers") }!
        let path = "\(tree.output)/\(helpers)"
        let arguments = kernel.clangArguments.filter { $0 != "-w" } + ["-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-sign-compare", "-x", "c"]
        let unit = try TranslationUnit(index: Index(), mainFile: path, arguments: arguments, options: [.skipFunctionBodies])
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

    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["\(NSHomeDirectory())/.cargo/bin", "/usr/bin"]
        return directories.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
