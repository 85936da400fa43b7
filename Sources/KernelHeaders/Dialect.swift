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
    ///
    /// Lines are picked by their bytes first (blanks, then one of the two
    /// names): splitting every line of a 2,000-line Makefile into words by
    /// `Character` took 60 M instructions a run. The pick keeps every line
    /// the word test below can accept, so the result is the same.
    static func standard(inMakefile text: String) -> String? {
        for line in text.lines where mayAssignCFlags(line) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let variable = words.first, variables.contains(String(variable)) else { continue }
            if let flag = words.first(where: { $0.hasPrefix("-std=") }) { return String(flag.dropFirst("-std=".count)) }
        }
        return nil
    }

    private static let variables = ["KBUILD_CFLAGS", "CC_FLAGS_DIALECT"]

    private static func mayAssignCFlags(_ line: Substring) -> Bool {
        let start = line.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        return variables.contains { start.starts(with: $0.utf8) }
    }
}
