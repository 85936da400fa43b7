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
        if tree.arch == "amd64" {
            #expect(fromSources == fromObjtree)
        } else {
            // One -common half serves every architecture's objtree: from the
            // sources, mqgen takes the plain amd64 one of the same release
            // where it is unpacked beside them, else this one.
            #expect(fromSources.srctree == fromObjtree.srctree)
            #expect(fromSources.objtree == fromObjtree.objtree || fromSources.objtree.hasSuffix("-amd64"), "\(fromSources.objtree)")
        }
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

    /// The architecture and the dialect flags come from the tree: the
    /// expectation is read from the objtree's `.config` text, which mqgen
    /// does not read (it reads `autoconf.h`).
    @Test(arguments: DebianTree.allCases)
    func argumentsFollowTheTreesConfiguration(tree: DebianTree) throws {
        let kernel = try tree.tree
        let config = try String(contentsOfFile: "\(tree.objtree)/.config", encoding: .utf8)
        let arguments = kernel.clangArguments
        let (srcarch, target) = config.contains("\nCONFIG_ARM64=y") ? ("arm64", "aarch64-linux-gnu") : ("x86", "x86_64-linux-gnu")
        #expect(arguments.contains("--target=\(target)"))
        #expect(arguments.contains("-I\(kernel.srctree)/arch/\(srcarch)/include"))
        #expect(arguments.contains("-I\(kernel.objtree)/arch/\(srcarch)/include/generated"))
        #expect(!arguments.contains { $0.contains("/arch/\(srcarch == "x86" ? "arm64" : "x86")/") })
        #expect(arguments.contains("-fms-extensions") == config.contains("CONFIG_CC_MS_EXTENSIONS=\"-fms-extensions\""))
        #expect(arguments.contains("-std=gnu11"))
    }

    /// Every architecture kernel Rust supports, on the fixture configured
    /// for it: its include directories and the kernel's clang target
    /// (`scripts/Makefile.clang`), and libclang parses the headers for that
    /// target (clang 14 could not for loongarch64).
    @Test(arguments: [("CONFIG_ARM64", "arm64", "aarch64-linux-gnu"), ("CONFIG_RISCV", "riscv", "riscv64-linux-gnu"),
                      ("CONFIG_LOONGARCH", "loongarch", "loongarch64-linux-gnusf")])
    func everyRustArchitectureParses(symbol: String, srcarch: String, target: String) throws {
        let fixture = try FixtureTree([.init(file: "include/generated/autoconf.h", find: "#define CONFIG_X86_64 1", replace: "#define \(symbol) 1")])
        defer { fixture.remove() }
        try FileManager.default.moveItem(atPath: "\(fixture.root)/arch/x86", toPath: "\(fixture.root)/arch/\(srcarch)")
        let tree = try KernelTree.locate(headers: fixture.include)
        #expect(tree.clangArguments.contains("--target=\(target)"))
        #expect(tree.clangArguments.contains("-I\(fixture.root)/arch/\(srcarch)/include/generated"))
        let api = try HeaderScan(tree: tree).run()
        #expect(api.mqOps.field("queue_rq") != nil)
    }

    @Test func anArchitectureRustDoesNotSupportIsNamed() throws {
        let fixture = try FixtureTree([.init(file: "include/generated/autoconf.h", find: "#define CONFIG_X86_64 1", replace: "#define CONFIG_S390 1")])
        defer { fixture.remove() }
        #expect(throws: HeaderError.unsupportedArchitecture(
            objtree: fixture.root, supported: ["CONFIG_X86_64", "CONFIG_ARM64", "CONFIG_RISCV", "CONFIG_LOONGARCH"])) {
            try KernelTree.locate(headers: fixture.include)
        }
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
