import Foundation

extension KernelTree {
    /// The compiler arguments the kernel's `rust/Makefile` gives bindgen for
    /// this tree (`bindgen_c_flags_final -DMODULE`), less the code-generation
    /// flags that do not change what a header declares.
    ///
    /// The architecture's include directories and `--target` come from the
    /// objtree's configuration, and the dialect (`-std=`, `-fms-extensions`)
    /// from the tree's own build files (`Dialect`).
    ///
    /// The include order is the kernel's `LINUXINCLUDE`; `-nostdinc` keeps the
    /// host's `/usr/include/linux` out.
    public var clangArguments: [String] {
        let src = srctree, obj = objtree, arch = srcarch
        var includes = [
            "-I\(src)/arch/\(arch)/include",
            "-I\(obj)/arch/\(arch)/include/generated",
        ]
        if src != obj { includes.append("-I\(src)/include") }
        includes += [
            "-I\(obj)/include",
            "-I\(src)/arch/\(arch)/include/uapi",
            "-I\(obj)/arch/\(arch)/include/generated/uapi",
            "-I\(src)/include/uapi",
            "-I\(obj)/include/generated/uapi",
        ]
        let forced = ["compiler-version.h", "kconfig.h", "compiler_types.h"]
            .map { "\(src)/include/linux/\($0)" }
            .filter { FileManager.default.fileExists(atPath: $0) }
            .flatMap { ["-include", $0] }
        let dialect = self.dialect
        return ["-nostdinc", "-D__KERNEL__"] + includes + forced + ["-std=\(dialect.standard)"] + dialect.extraFlags + [
            "-fshort-wchar", "-funsigned-char", "-fno-common", "-fno-PIE",
            "-fno-strict-aliasing", "-fno-builtin", "-D__BINDGEN__", "-DMODULE",
            "-w", "--target=\(clangTarget)",
        ]
    }
}

extension KernelTree {
    /// What `-v` says about how the clang arguments were chosen.
    public var argumentsProvenance: [String] {
        let dialect = self.dialect
        return [
            "architecture \(arch.srcarch) (--target=\(arch.clangTarget)): \(arch.kconfigSymbol) in \(objtree)/\(KernelTree.File.autoconf)",
            "-std=\(dialect.standard): \(dialect.standardSource)",
            dialect.extraFlags.isEmpty
                ? "no CONFIG_CC_MS_EXTENSIONS in autoconf.h: no extra dialect flags"
                : "\(dialect.extraFlags.joined(separator: " ")): CONFIG_CC_MS_EXTENSIONS in autoconf.h",
        ]
    }
}
