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
    /// The permission bits to give the new file: the old file's, so that a
    /// rewrite changes only what mqgen means to change.
    var mode: mode_t

    /// Looks at `path` without opening anything that is not a regular file,
    /// and refuses what a rename cannot replace as the user would expect.
    static func inspect(_ path: String, mountPoints: Set<String>) throws(GenError) -> Target {
        var real = path
        if FileSystem.kind(path) == .symlink {
            guard let resolved = FileSystem.resolved(path) else {
                throw .unwritable(path: path, reason: "a symlink that points nowhere (dangling, or a loop); remove it or point it at a file")
            }
            real = resolved
        }
        switch FileSystem.kind(real) {
        case .missing:
            try checkParents(of: real)
            return Target(path: path, real: real, current: nil, mode: 0o644)
        case .directory:
            throw .unwritable(path: path, reason: "a directory is where mqgen writes a file; move it away")
        case .special(let what):
            throw .unwritable(path: path, reason: "\(what) is where mqgen writes a file; move it away")
        case .symlink:
            throw .unwritable(path: path, reason: "cannot resolve the symlink")
        case .regular(let mode, let links):
            if links > 1 {
                throw .unwritable(path: real, reason: "the file has \(links) hard links; mqgen replaces a file by renaming a new one over it, which would split them, so it leaves it alone: make it a single file (cp it over itself) or a symlink")
            }
            if mountPoints.contains(real) {
                throw .unwritable(path: real, reason: "a mount point (a bind mount over the file); a rename cannot replace it: unmount it first")
            }
            let current: Data?
            do { current = try FileSystem.read(real) } catch { throw .unwritable(path: real, reason: error.reason) }
            try checkWritable(directory: (real as NSString).deletingLastPathComponent)
            return Target(path: path, real: real, current: current, mode: mode)
        }
    }

    /// The nearest existing ancestor of a new file must be a writable directory.
    private static func checkParents(of path: String) throws(GenError) {
        var directory = (path as NSString).deletingLastPathComponent
        while FileSystem.kind(directory) == .missing, directory != "/" {
            directory = (directory as NSString).deletingLastPathComponent
        }
        guard FileSystem.isDirectory(directory) else {
            throw .unwritable(path: directory, reason: "not a directory, and a generated file goes below it")
        }
        try checkWritable(directory: directory)
    }

    private static func checkWritable(directory: String) throws(GenError) {
        guard access(directory, W_OK) == 0 else {
            throw .unwritable(path: directory, reason: String(cString: strerror(errno)))
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
