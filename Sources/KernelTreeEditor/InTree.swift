import Foundation
import Gen
import Writer

/// The files of a kernel source tree that in-tree mode writes or edits.
public enum InTree {
    /// The generated files to place in a source tree at `root`, plus the
    /// three wired files with the lines the module needs inserted.
    ///
    /// `rendered` is the tree `Renderer` produced for this kernel, and
    /// `bindings` the lines its bindings_helper.h fragment holds, as data
    /// (`Renderer.bindingsLines`): the fragment itself is not placed.
    public static func tree(for rendered: GeneratedTree, bindings: BindingsLines, root: String) throws(InTreeError) -> GeneratedTree {
        var files = rendered.files
        guard files.removeValue(forKey: FileTable.bindingsFragment) != nil else {
            throw InTreeError(path: root, reason: "this kernel's file table has no \(FileTable.bindingsFragment)")
        }
        guard files[FileTable.helpersFile] != nil else {
            throw InTreeError(path: root, reason: "in-tree mode needs a kernel with rust/helpers/ (6.12 or later)")
        }
        var edited = Set<String>()
        for (path, insertions) in insertions(bindings: bindings) {
            let full = "\(root)/\(path)"
            var text = try wiredText(full, root: root)
            for insertion in insertions {
                guard let withLine = insertion.applied(to: text) else {
                    throw InTreeError(path: full, reason: "found no line like those '\(insertion.lines.last!)' is sorted among")
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
    private static func wiredText(_ path: String, root: String) throws(InTreeError) -> String {
        let real = FileSystem.kind(path) == .symlink ? FileSystem.resolved(path) : path
        guard let real, case .regular = FileSystem.kind(real) else {
            let reason = FileSystem.kind(path) == .missing
                ? "missing; is \(root) a kernel source tree with Rust support?"
                : "not a regular file (or a symlink to one); mqgen adds lines to it, so it must be one"
            throw InTreeError(path: path, reason: reason)
        }
        let data: Data
        do { data = try FileSystem.read(real) ?? Data() } catch { throw InTreeError(path: path, reason: error.reason) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InTreeError(path: path, reason: "not UTF-8 text; mqgen adds lines only to a text file")
        }
        if text.contains("\r\n") {
            throw InTreeError(path: path, reason: "has CRLF (DOS) line endings, where the kernel's files have LF; mqgen edits only LF files: convert it (dos2unix) and run again")
        }
        return text
    }

    /// What each wired file needs: bindings_helper.h gets the includes and
    /// constant helpers, helpers.c includes blk.c, lib.rs declares the block
    /// module (only with CONFIG_BLOCK, as the C side).
    static func insertions(bindings: BindingsLines) -> [(String, [Insertion])] {
        let includes = bindings.includes.map {
            Insertion(lines: ["#include <\($0)>"], group: .systemIncludes, placement: .sorted)
        }
        let constants = bindings.constHelpers.map {
            Insertion(lines: ["const \($0.type) RUST_CONST_HELPER_\($0.name) = \($0.name);"], group: .constHelpers, placement: .afterLast)
        }
        let helper = "#include \"\((FileTable.helpersFile as NSString).lastPathComponent)\""
        return [
            ("rust/bindings/bindings_helper.h", includes + constants),
            ("rust/helpers/helpers.c", [Insertion(lines: [helper], group: .localIncludes, placement: .sorted)]),
            ("rust/kernel/lib.rs", [Insertion(lines: ["#[cfg(CONFIG_BLOCK)]", "pub mod block;"], group: .modules, placement: .sorted)]),
        ]
    }
}

extension GeneratedTree {
    /// This tree as written into the kernel source tree at `root`, or
    /// unchanged when there is none (the standalone Output/ layout).
    public func placed(inKernelTree root: String?, bindings: BindingsLines) throws(InTreeError) -> GeneratedTree {
        guard let root else { return self }
        return try InTree.tree(for: self, bindings: bindings, root: root)
    }
}

/// Why a kernel tree's files could not be edited: one `mqgen: error:` line.
public struct InTreeError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}
