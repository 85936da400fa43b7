import BlockIR
import Foundation

extension KernelTree {
    /// Checks that the objtree was configured from these sources: an objtree
    /// of another release parses, then fails deep inside some header, or
    /// worse, does not. Sources without a top `Makefile` are not checked.
    func checkVersions() throws(HeaderError) {
        guard srctree != objtree, let sources = Self.makefileVersion(of: srctree),
              let build = Self.generatedVersion(of: objtree), sources != build else { return }
        throw .versionMismatch(objtree: objtree, objtreeVersion: build, srctree: srctree, srctreeVersion: sources)
    }

    /// `6.12` from the top Makefile's `VERSION = 6` and `PATCHLEVEL = 12`.
    static func makefileVersion(of srctree: String) -> String? {
        guard let text = TreeFile.text("\(srctree)/\(KernelTree.File.makefile)") else { return nil }
        var values: [String: String] = [:]
        // Only two of the Makefile's 2,000 lines matter (`VERSION =`,
        // `PATCHLEVEL =`); splitting and trimming each cost 45 M instructions.
        for line in text.lines where ["V", "P"].contains(line.unicodeScalars.first { !$0.isBlank }) {
            let parts = line.split(separator: "=", maxSplits: 1).map(\.trimmingWhitespace)
            if parts.count == 2, ["VERSION", "PATCHLEVEL"].contains(parts[0]), values[parts[0]] == nil {
                values[parts[0]] = parts[1]
            }
        }
        guard let major = values["VERSION"], let minor = values["PATCHLEVEL"] else { return nil }
        return "\(major).\(minor)"
    }

    /// `6.1` from the objtree's `include/generated/uapi/linux/version.h`,
    /// its `#define` lines read as text (before libclang has parsed anything).
    static func generatedVersion(of objtree: String) -> String? {
        guard let text = TreeFile.text("\(objtree)/\(KernelTree.File.versionHeader)") else { return nil }
        var defines: [String: Int64] = [:]
        for line in text.lines {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count == 3, words[0] == "#define", let value = Int64(words[2]) { defines[String(words[1])] = value }
        }
        return release(versionMacros: defines)?.series
    }

    /// The release the version header's macros name:
    /// `LINUX_VERSION_MAJOR`/`PATCHLEVEL`/`SUBLEVEL`, or `LINUX_VERSION_CODE`
    /// in kernels that predate those. The one reading of those macros, for
    /// the text above and for the values libclang evaluates.
    static func release(versionMacros macros: [String: Int64]) -> KernelVersion? {
        if let major = macros["LINUX_VERSION_MAJOR"], let minor = macros["LINUX_VERSION_PATCHLEVEL"] {
            return KernelVersion(major: Int(major), minor: Int(minor), sublevel: Int(macros["LINUX_VERSION_SUBLEVEL"] ?? 0))
        }
        return macros["LINUX_VERSION_CODE"].map { code in
            KernelVersion(major: Int(code >> 16), minor: Int((code >> 8) & 0xff), sublevel: Int(code & 0xff))
        }
    }
}
