import Foundation
import Glibc

/// One path of the generated tree as it is on disk before a write: where
/// its bytes really go and what is there now.
struct Target {
    /// The path in the tree (root joined with the relative path).
    var path: String
    /// Where the file is written: `path`, or what a symlink there points to,
    /// so that a user's link stays a link.
    var real: String
    /// The current contents; nil when there is no file yet.
    var current: Data?
    /// The permission bits of the file there now, which its replacement
    /// keeps; nil for a new file (0644 less the umask).
    var mode: mode_t?
    /// Hard links of the file there now.
    var links = 1

    /// Looks at `relative` below `root` without opening anything that is
    /// not a regular file. What no file can be written over (a directory, a
    /// FIFO, a dangling link) is refused here; what only a rename cannot
    /// replace, by `replaceable`. A final symlink is written through (the
    /// user's link stays a link), but a symlinked directory between the
    /// root and the file is refused: through it mqgen would write, or
    /// remove a stale file, in a tree it was not given.
    static func inspect(_ relative: String, below root: String) throws(WriteError) -> Target {
        let path = "\(root)/\(relative)"
        var directory = root
        for component in relative.split(separator: "/").dropLast() {
            directory += "/\(component)"
            if FileSystem.kind(directory) == .symlink {
                throw .unwritable(path: directory, reason: "a symlink to a directory inside the output; mqgen writes only below the directory it was given, so it does not follow it: make it a real directory (or point --output at the link's target)")
            }
        }
        var real = path
        if FileSystem.kind(path) == .symlink {
            guard let resolved = FileSystem.resolved(path) else {
                throw .unwritable(path: path, reason: "a symlink that points nowhere (dangling, or a loop); remove it or point it at a file")
            }
            real = resolved
        }
        switch FileSystem.kind(real) {
        case .missing:
            return Target(path: path, real: real, current: nil, mode: nil)
        case .directory:
            throw .unwritable(path: path, reason: "a directory is where mqgen writes a file; move it away")
        case .special(let what):
            throw .unwritable(path: path, reason: "\(what) is where mqgen writes a file; move it away")
        case .symlink:
            throw .unwritable(path: path, reason: "cannot resolve the symlink")
        case .regular(let mode, let links):
            do {
                return Target(path: path, real: real, current: try FileSystem.read(real), mode: mode, links: links)
            } catch {
                throw .unreadable(path: real, reason: error.reason)
            }
        }
    }

    /// Throws unless a file renamed into this place (or this file renamed
    /// away) does what the user expects: checked for every target before
    /// the first change.
    func checkReplaceable(mountPoints: Set<String>) throws(WriteError) {
        if links > 1 {
            throw .unwritable(path: real, reason: "the file has \(links) hard links; mqgen replaces a file by renaming a new one over it, which would split them, so it leaves it alone: make it a single file (cp it over itself) or a symlink")
        }
        if mountPoints.contains(real) {
            throw .unwritable(path: real, reason: "a mount point (a bind mount over the file); a rename cannot replace it: unmount it first")
        }
        let (_, existing) = FileSystem.missingAncestors(of: (real as NSString).deletingLastPathComponent)
        guard FileSystem.isDirectory(existing) else {
            throw .unwritable(path: existing, reason: "not a directory, and a generated file goes below it")
        }
        guard access(existing, W_OK) == 0 else {
            throw .unwritable(path: existing, reason: String(cString: strerror(errno)))
        }
    }

    /// Files and directories that something is mounted on: `/proc/self/mountinfo`, field 5.
    static func mountPoints() -> Set<String> {
        guard let data = try? FileSystem.read("/proc/self/mountinfo") else { return [] }
        var points = Set<String>()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count > 4 { points.insert(unescaped(fields[4])) }
        }
        return points
    }

    /// mountinfo writes a space, tab, newline or backslash in a path as `\ooo`.
    private static func unescaped(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = Array(field.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "\\"), rest.count >= 3, let value = UInt8(String(decoding: rest.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                rest = rest.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
