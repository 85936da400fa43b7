import Foundation

/// A line (or a few) that the generated module needs in a kernel file mqgen
/// does not own, and where it belongs there.
///
/// Kernel files such as `rust/kernel/lib.rs` keep their entries sorted, so an
/// insertion goes before the first entry of its group that sorts after it,
/// the way a developer would add it by hand. An insertion whose `key` line is
/// already present changes nothing, which makes a second run a no-op.
public struct Insertion: Sendable, Equatable {
    public enum Placement: Sendable, Equatable {
        /// Sorted among the lines that `group` recognises, by the key it extracts.
        case sorted(group: LineGroup)
        /// After the last line of the group (for lists that are not sorted).
        case afterLast(group: LineGroup)
    }

    /// The line whose presence (after trimming) means the insertion is done.
    public let key: String
    /// The block to insert; attributes come before `key`.
    public let lines: [String]
    public let placement: Placement
}

/// Lines of one kind in a kernel file, each with the name it is sorted by.
public enum LineGroup: Sendable, Equatable {
    /// `#include <linux/x.h>`, sorted by the header path.
    case systemIncludes
    /// `#include "x.c"`, sorted by file name.
    case localIncludes
    /// `mod x;` or `pub mod x;`, sorted by module name.
    case modules
    /// `const T RUST_CONST_HELPER_X = X;`.
    case constHelpers

    func sortKey(_ line: Substring) -> Substring? {
        let line = line.drop(while: { $0 == " " || $0 == "\t" })
        switch self {
        case .systemIncludes: return Self.between(line, prefix: "#include <", suffix: ">")
        case .localIncludes: return Self.between(line, prefix: "#include \"", suffix: "\"")
        case .modules:
            let rest = line.hasPrefix("pub mod ") ? line.dropFirst(8) : line.hasPrefix("mod ") ? line.dropFirst(4) : nil
            guard let rest, rest.hasSuffix(";") else { return nil }
            return rest.dropLast()
        case .constHelpers: return line.hasPrefix("const ") && line.contains("RUST_CONST_HELPER_") ? line : nil
        }
    }

    private static func between(_ line: Substring, prefix: String, suffix: String) -> Substring? {
        guard line.hasPrefix(prefix), let end = line.dropFirst(prefix.count).firstIndex(of: Character(suffix)) else { return nil }
        return line[line.index(line.startIndex, offsetBy: prefix.count)..<end]
    }
}

extension Insertion {
    /// The text with this insertion applied, or nil when the file has no line
    /// of the group to place it by (the file is not what mqgen expects).
    func applied(to text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.contains(where: { $0.trimmingCharacters(in: .whitespaces) == key }) { return text }
        let group: LineGroup
        switch placement {
        case .sorted(let g), .afterLast(let g): group = g
        }
        let members = lines.indices.filter { group.sortKey(lines[$0]) != nil }
        guard let last = members.last else { return nil }
        var index = last + 1
        if case .sorted = placement, let mine = group.sortKey(Substring(key)),
           let next = members.first(where: { group.sortKey(lines[$0])! > mine }) {
            // Attributes such as #[cfg(...)] belong to the entry below them.
            index = next
            while index > 0, lines[index - 1].trimmingCharacters(in: .whitespaces).hasPrefix("#[") { index -= 1 }
        }
        lines.insert(contentsOf: self.lines.map { Substring($0) }, at: index)
        return lines.joined(separator: "\n")
    }
}

/// The files of a kernel source tree that in-tree mode writes or edits.
public enum InTree {
    /// Where stale generated files may be: mqgen never deletes outside it.
    public static let ownedDirectory = "rust/kernel/block"

    /// The generated files to place in a source tree at `root`, plus the
    /// three wired files with the lines the module needs inserted.
    ///
    /// `rendered` is the tree `Renderer` produced for this kernel; its
    /// `bindings_helper.h.fragment` supplies the lines for bindings_helper.h.
    public static func tree(for rendered: GeneratedTree, root: String) throws(GenError) -> GeneratedTree {
        var files = rendered.files
        guard let fragment = files.removeValue(forKey: FileTable.bindingsFragment) else {
            throw .inTree(path: root, reason: "this kernel's file table has no \(FileTable.bindingsFragment)")
        }
        guard files[FileTable.helpersFile] != nil else {
            throw .inTree(path: root, reason: "in-tree mode needs a kernel with rust/helpers/ (6.12 or later)")
        }
        for (path, insertions) in insertions(fragment: fragment) {
            let full = "\(root)/\(path)"
            guard var text = try? String(contentsOfFile: full, encoding: .utf8) else {
                throw .inTree(path: full, reason: "missing; is \(root) a kernel source tree with Rust support?")
            }
            for insertion in insertions {
                guard let edited = insertion.applied(to: text) else {
                    throw .inTree(path: full, reason: "found no line like those '\(insertion.key)' is sorted among")
                }
                text = edited
            }
            files[path] = text
        }
        return GeneratedTree(files: files)
    }

    /// What each wired file needs: bindings_helper.h gets the fragment's
    /// includes and constant helpers, helpers.c includes blk.c, lib.rs
    /// declares the block module (only with CONFIG_BLOCK, as the C side).
    static func insertions(fragment: String) -> [(String, [Insertion])] {
        var bindings: [Insertion] = []
        for line in fragment.split(separator: "\n") {
            if LineGroup.systemIncludes.sortKey(line) != nil {
                bindings.append(Insertion(key: String(line), lines: [String(line)], placement: .sorted(group: .systemIncludes)))
            } else if LineGroup.constHelpers.sortKey(line) != nil {
                bindings.append(Insertion(key: String(line), lines: [String(line)], placement: .afterLast(group: .constHelpers)))
            }
        }
        let helper = "#include \"\((FileTable.helpersFile as NSString).lastPathComponent)\""
        return [
            ("rust/bindings/bindings_helper.h", bindings),
            ("rust/helpers/helpers.c", [Insertion(key: helper, lines: [helper], placement: .sorted(group: .localIncludes))]),
            ("rust/kernel/lib.rs", [Insertion(key: "pub mod block;", lines: ["#[cfg(CONFIG_BLOCK)]", "pub mod block;"], placement: .sorted(group: .modules))]),
        ]
    }
}

extension GeneratedTree {
    /// This tree as written into the kernel source tree at `root`, or
    /// unchanged when there is none (the standalone Output/ layout).
    public func placed(inKernelTree root: String?) throws(GenError) -> GeneratedTree {
        guard let root else { return self }
        return try InTree.tree(for: self, root: root)
    }
}
