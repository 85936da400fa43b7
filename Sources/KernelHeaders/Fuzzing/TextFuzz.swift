import Foundation

/// The readers of a tree's build files, each given the input as its file:
/// the top `Makefile` (`VERSION`/`PATCHLEVEL`, the dialect's `-std=`, a
/// Debian objtree's `include` line), `include/generated/uapi/linux/version.h`,
/// `include/generated/autoconf.h`, and a `linux-headers-*` directory name.
/// They read text with `String` and `split`, so the invariant is that none
/// traps, whatever the bytes.
struct TextFuzz {
    let scratch: String

    init(scratch: String) {
        self.scratch = scratch
        Scratch.makeDirectories(["\(scratch)/tree/include/generated/uapi/linux"])
    }

    func run(_ input: [UInt8]) -> [String] {
        let root = "\(scratch)/tree"
        for file in ["Makefile", "include/generated/uapi/linux/version.h", "include/generated/autoconf.h"] {
            Scratch.write(input, to: "\(root)/\(file)")
        }
        let text = String(decoding: input, as: UTF8.self)
        _ = KernelTree.makefileVersion(of: root)
        _ = KernelTree.generatedVersion(of: root)
        _ = KernelTree.debianSource(ofObjtree: root)
        _ = Dialect.standard(inMakefile: text)
        let config = KernelConfig(autoconfText: text)
        _ = KernelArch.configured(autoconf: config)
        _ = Dialect(srctree: root, config: config)
        _ = KernelTree.releaseVersion(of: "linux-headers-" + text.prefix { $0 != "\n" })
        let tree = KernelTree(srctree: root, objtree: root)
        _ = tree.clangArguments
        _ = try? tree.checkVersions()
        return []
    }
}
