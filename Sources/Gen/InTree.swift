import Foundation

/// A line (or a few) that the generated module needs in a kernel file mqgen
/// does not own, and where it belongs there.
///
/// Kernel files such as `rust/kernel/lib.rs` keep their entries sorted, so an
/// insertion goes before the first entry of its group that sorts after it,
/// the way a developer would add it by hand. An insertion whose entry is
/// already declared, in whatever spelling, changes nothing, which makes a
/// second run a no-op.
public struct Insertion: Sendable, Equatable {
    public enum Placement: Sendable, Equatable {
        /// Sorted among the lines of the group, by the name each declares.
        case sorted
        /// After the last line of the group (for lists that are not sorted).
        case afterLast
    }

    /// The block to insert: attributes first, the entry itself last.
    public let lines: [String]
    public let group: LineGroup
    public let placement: Placement
    /// What the entry declares (module name, header path, constant name).
    let name: Substring

    public init(lines: [String], group: LineGroup, placement: Placement) {
        self.lines = lines
        self.group = group
        self.placement = placement
        guard let name = group.name(declaredBy: Substring(lines.last!)) else {
            preconditionFailure("\(lines.last!) is not an entry of \(group)")
        }
        self.name = name
    }
}

/// Lines of one kind in a kernel file, each known by the name it declares,
/// which is also what the group is sorted by.
///
/// A line is recognised by its tokens rather than one spelling: comments,
/// blanks, attributes on the same line and visibility do not matter, so a
/// declaration the user wrote differently is still found.
public enum LineGroup: Sendable, Equatable {
    /// `#include <linux/x.h>`: the header path.
    case systemIncludes
    /// `#include "x.c"`: the file name.
    case localIncludes
    /// `mod x;`, `pub mod x;`, `pub(crate) mod x { ... }`: the module name.
    case modules
    /// `const T RUST_CONST_HELPER_X = X;`: the constant's name.
    case constHelpers

    func name(declaredBy line: Substring) -> Substring? {
        var tokens = LineTokens(line)
        switch self {
        case .systemIncludes, .localIncludes:
            guard tokens.take("#"), tokens.take("include") else { return nil }
            let (open, close): (Character, Character) = self == .systemIncludes ? ("<", ">") : ("\"", "\"")
            return tokens.delimited(open, close)
        case .modules:
            tokens.skipAttributes()
            if tokens.take("pub"), tokens.peek == "(" { _ = tokens.delimited("(", ")") }
            guard tokens.take("mod"), let name = tokens.identifier(), tokens.take(";") || tokens.take("{") else { return nil }
            return name
        case .constHelpers:
            guard tokens.take("const") else { return nil }
            while let word = tokens.identifier() {
                if word.hasPrefix("RUST_CONST_HELPER_") { return word }
            }
            return nil
        }
    }
}

/// The tokens of one line of C or Rust, enough to tell what it declares.
struct LineTokens {
    private var rest: Substring

    init(_ line: Substring) {
        rest = line
        if let comment = line.range(of: "//") { rest = line[..<comment.lowerBound] }
        skipBlanks()
    }

    var peek: Character? { rest.first }

    /// Takes `word` (a punctuation mark or a whole identifier) if it comes next.
    mutating func take(_ word: String) -> Bool {
        guard rest.hasPrefix(word) else { return false }
        let after = rest.dropFirst(word.count)
        if word.last!.isLetter, let next = after.first, next.isLetter || next.isNumber || next == "_" { return false }
        rest = after
        skipBlanks()
        return true
    }

    mutating func identifier() -> Substring? {
        let word = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard let first = word.first, !first.isNumber else {
            // Skip one token that is not an identifier (`*`, `=`), so that a caller can scan on.
            guard !rest.isEmpty else { return nil }
            rest = rest.dropFirst()
            skipBlanks()
            return identifier()
        }
        rest = rest.dropFirst(word.count)
        skipBlanks()
        return word
    }

    /// The text between `open` and the matching `close`, both taken.
    mutating func delimited(_ open: Character, _ close: Character) -> Substring? {
        guard rest.first == open, let end = rest.dropFirst().firstIndex(of: close) else { return nil }
        let inside = rest[rest.index(after: rest.startIndex)..<end]
        rest = rest[rest.index(after: end)...]
        skipBlanks()
        return inside.trimmingCharacters(in: .whitespaces).isEmpty ? nil : Substring(inside.trimmingCharacters(in: .whitespaces))
    }

    /// `#[...]` attributes before a Rust item on the same line.
    mutating func skipAttributes() {
        while rest.hasPrefix("#["), let end = rest.firstIndex(of: "]") {
            rest = rest[rest.index(after: end)...]
            skipBlanks()
        }
    }

    private mutating func skipBlanks() {
        rest = rest.drop { $0 == " " || $0 == "\t" }
    }
}

extension Insertion {
    /// The text with this insertion applied, or nil when the file has no line
    /// of the group to place it by (the file is not what mqgen expects).
    func applied(to text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let names = lines.map { group.name(declaredBy: $0) }
        if names.contains(name) { return text }
        let members = names.indices.filter { names[$0] != nil }
        guard let last = members.last else { return nil }
        var index = last + 1
        if placement == .sorted, let next = members.first(where: { names[$0]! > name }) {
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
        var edited = Set<String>()
        for (path, insertions) in insertions(fragment: fragment) {
            let full = "\(root)/\(path)"
            var text = try wiredText(full, root: root)
            for insertion in insertions {
                guard let withLine = insertion.applied(to: text) else {
                    throw .inTree(path: full, reason: "found no line like those '\(insertion.lines.last!)' is sorted among")
                }
                text = withLine
            }
            files[path] = text
            edited.insert(path)
        }
        return GeneratedTree(files: files, edited: edited)
    }

    /// The text of a kernel file mqgen adds lines to, read without opening
    /// anything but a regular file (through a symlink, as the writer writes).
    private static func wiredText(_ path: String, root: String) throws(GenError) -> String {
        let real = FileSystem.kind(path) == .symlink ? FileSystem.resolved(path) : path
        guard let real, case .regular = FileSystem.kind(real) else {
            let reason = FileSystem.kind(path) == .missing
                ? "missing; is \(root) a kernel source tree with Rust support?"
                : "not a regular file (or a symlink to one); mqgen adds lines to it, so it must be one"
            throw .inTree(path: path, reason: reason)
        }
        let data: Data
        do { data = try FileSystem.read(real) ?? Data() } catch { throw .inTree(path: path, reason: error.reason) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .inTree(path: path, reason: "not UTF-8 text; mqgen adds lines only to a text file")
        }
        if text.contains("\r\n") {
            throw .inTree(path: path, reason: "has CRLF (DOS) line endings, where the kernel's files have LF; mqgen edits only LF files: convert it (dos2unix) and run again")
        }
        return text
    }

    /// What each wired file needs: bindings_helper.h gets the fragment's
    /// includes and constant helpers, helpers.c includes blk.c, lib.rs
    /// declares the block module (only with CONFIG_BLOCK, as the C side).
    static func insertions(fragment: String) -> [(String, [Insertion])] {
        var bindings: [Insertion] = []
        for line in fragment.split(separator: "\n") {
            if LineGroup.systemIncludes.name(declaredBy: line) != nil {
                bindings.append(Insertion(lines: [String(line)], group: .systemIncludes, placement: .sorted))
            } else if LineGroup.constHelpers.name(declaredBy: line) != nil {
                bindings.append(Insertion(lines: [String(line)], group: .constHelpers, placement: .afterLast))
            }
        }
        let helper = "#include \"\((FileTable.helpersFile as NSString).lastPathComponent)\""
        return [
            ("rust/bindings/bindings_helper.h", bindings),
            ("rust/helpers/helpers.c", [Insertion(lines: [helper], group: .localIncludes, placement: .sorted)]),
            ("rust/kernel/lib.rs", [Insertion(lines: ["#[cfg(CONFIG_BLOCK)]", "pub mod block;"], group: .modules, placement: .sorted)]),
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
