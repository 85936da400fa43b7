import Foundation
import KernelHeaders
import Testing

/// The tree layouts `--headers` accepts.
@Suite struct KernelTreeTests {
    @Test(arguments: DebianTree.allCases)
    func eitherHalfOfADebianPairIsTheSameTree(tree: DebianTree) throws {
        let fromObjtree = try tree.tree
        #expect(fromObjtree.objtree == tree.objtree)
        #expect(fromObjtree.srctree.hasSuffix("-common"))
        let fromSources = try KernelTree.locate(headers: "\(fromObjtree.srctree)/include")
        #expect(fromSources == fromObjtree)
    }

    /// `make O=build`: generated headers live in the build directory only.
    @Test func outOfTreeBuildWithObjtree() throws {
        let fixture = try FixtureTree()
        defer { fixture.remove() }
        let build = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: build) }
        for directory in ["include/generated", "arch/x86/include/generated"] {
            try FileManager.default.createDirectory(atPath: "\(build)/\((directory as NSString).deletingLastPathComponent)", withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: "\(fixture.root)/\(directory)", toPath: "\(build)/\(directory)")
        }
        // Without --objtree the source tree alone is not prepared: say which file.
        #expect(throws: HeaderError.missingGenerated(objtree: fixture.root, file: "include/generated/autoconf.h")) {
            try KernelTree.locate(headers: fixture.include)
        }
        let tree = try KernelTree.locate(headers: fixture.include, objtree: build)
        #expect(tree.srctree == fixture.root && tree.objtree == build)
        #expect(tree.clangArguments.contains("-I\(build)/include/generated/uapi"))
        #expect(tree.clangArguments.contains("-I\(fixture.root)/include"))
        let api = try HeaderScan(tree: tree).run()
        #expect(api.mqOps.field("queue_rq") != nil)
        #expect(api.kernel.series == "6.12")
    }

    @Test func kernelArgumentsKeepTheHostHeadersOut() throws {
        let arguments = try DebianTree.v6_12.tree.clangArguments
        #expect(arguments.first == "-nostdinc")
        #expect(!arguments.contains { $0.contains("/usr/include") })
        #expect(arguments.contains("-D__KERNEL__") && arguments.contains("-DMODULE") && arguments.contains("--target=x86_64-linux-gnu"))
        let forced = arguments.indices.filter { arguments[$0] == "-include" }.map { (arguments[$0 + 1] as NSString).lastPathComponent }
        #expect(forced == ["compiler-version.h", "kconfig.h", "compiler_types.h"])
    }
}
