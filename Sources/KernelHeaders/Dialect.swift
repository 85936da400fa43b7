import Foundation

/// The C dialect flags the tree's own build passes to every compilation,
/// read from the tree rather than from a list kept per kernel version:
/// the top `Makefile`'s `-std=` (`KBUILD_CFLAGS` or, from 7.x,
/// `CC_FLAGS_DIALECT`), and the flags Kconfig chose for the compiler
/// (`CONFIG_CC_MS_EXTENSIONS`, `-fms-extensions` in 7.x, lets a struct embed
/// a tagged struct anonymously, as `struct filename` does).
struct Dialect: Equatable {
    var standard: String
    var extraFlags: [String]
    /// Where the standard came from, for `-v`.
    var standardSource: String

    /// gnu11 has been the kernel's standard since 5.18; a tree whose
    /// Makefile names none is older or unusual, and gets it with a note.
    static let fallbackStandard = "gnu11"

    init(srctree: String, config: KernelConfig) {
        let makefile = TreeFile.text("\(srctree)/\(KernelTree.File.makefile)") ?? ""
        if let standard = Self.standard(inMakefile: makefile) {
            self.standard = standard
            standardSource = "\(srctree)/\(KernelTree.File.makefile)"
        } else {
            standard = Self.fallbackStandard
            standardSource = "default (no -std= for the kernel's C flags in \(srctree)/\(KernelTree.File.makefile))"
        }
        extraFlags = config.string("CONFIG_CC_MS_EXTENSIONS")?.split(separator: " ").map(String.init) ?? []
    }

    /// The `-std=` value of the lines that set the kernel's C flags (the
    /// host tools' `KBUILD_HOSTCFLAGS` carry one too and are skipped).
    static func standard(inMakefile text: String) -> String? {
        for line in text.lines {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let variable = words.first, ["KBUILD_CFLAGS", "CC_FLAGS_DIALECT"].contains(variable) else { continue }
            if let flag = words.first(where: { $0.hasPrefix("-std=") }) { return String(flag.dropFirst("-std=".count)) }
        }
        return nil
    }
}
