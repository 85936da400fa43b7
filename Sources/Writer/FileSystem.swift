import Foundation
import Glibc

/// A failed system call: what was done, to which path, and the errno.
public struct FileSystemError: Error, Equatable {
    var operation: String
    var path: String
    var errno: Int32
    /// Said instead of the errno's text where the call succeeded but what
    /// it found is not what mqgen can use (a FIFO where a file should be).
    var problem: String?

    public var reason: String { problem ?? "\(operation): \(String(cString: strerror(errno)))" }
}

/// What `lstat` says is at a path, without following a final symlink and
/// without opening it (a FIFO is never opened, so nothing here blocks).
public enum FileKind: Equatable {
    case missing
    case regular(mode: mode_t, links: Int)
    case directory
    case symlink
    /// A FIFO, socket or device: never mqgen's to read or replace.
    case special(String)
}

/// The few POSIX calls the writer needs, each throwing with its errno.
///
/// Foundation's `FileManager` hides which call failed and follows links
/// where the writer must not; these are the calls themselves.
public enum FileSystem {
    public static func kind(_ path: String) -> FileKind {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            // ENOTDIR: a parent is a file, which the caller finds as it walks up.
            if errno == ENOENT || errno == ENOTDIR { return .missing }
            return .special("a path that cannot be examined (\(String(cString: strerror(errno))))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular(mode: info.st_mode & 0o7777, links: Int(info.st_nlink))
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        case S_IFIFO: return .special("a FIFO")
        case S_IFSOCK: return .special("a socket")
        default: return .special("a device node")
        }
    }

    /// Whether `path`, following links, is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// The contents of a regular file; nil when it is missing.
    public static func read(_ path: String) throws(FileSystemError) -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw FileSystemError(operation: "open", path: path, errno: errno)
        }
        defer { close(descriptor) }
        // Checked on the descriptor, so a FIFO or device swapped in after
        // an `lstat` is not read (O_NONBLOCK kept the open from blocking).
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileSystemError(operation: "stat", path: path, errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw FileSystemError(operation: "read", path: path, errno: EINVAL, problem: "not a regular file; mqgen reads only files")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(operation: "read", path: path, errno: errno)
            }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    /// Creates `path` exclusively and writes `data` to it. A new file gets
    /// 0644 less the umask; `mode` (the file it replaces) is kept exactly.
    static func create(_ path: String, data: Data, mode: mode_t?) throws(FileSystemError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw FileSystemError(operation: "create", path: path, errno: errno) }
        defer { close(descriptor) }
        if let mode, fchmod(descriptor, mode) != 0 { throw FileSystemError(operation: "chmod", path: path, errno: errno) }
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(operation: "write", path: path, errno: errno)
            }
            offset += written
        }
    }

    static func rename(_ from: String, to: String) throws(FileSystemError) {
        guard Glibc.rename(from, to) == 0 else { throw FileSystemError(operation: "rename", path: to, errno: errno) }
    }

    static func unlink(_ path: String) throws(FileSystemError) {
        guard Glibc.unlink(path) == 0 || errno == ENOENT else {
            throw FileSystemError(operation: "unlink", path: path, errno: errno)
        }
    }

    static func makeDirectory(_ path: String) throws(FileSystemError) {
        guard mkdir(path, 0o755) == 0 else { throw FileSystemError(operation: "mkdir", path: path, errno: errno) }
    }

    /// Removes a directory if it is empty; a directory with something in it stays.
    static func removeEmptyDirectory(_ path: String) {
        _ = rmdir(path)
    }

    /// The directories of `path` and above it that do not exist, outermost
    /// first, and the nearest one that does exist (which may be no directory).
    static func missingAncestors(of path: String) -> (missing: [String], existing: String) {
        var missing: [String] = []
        var directory = path
        while directory != "/", kind(directory) == .missing {
            missing.insert(directory, at: 0)
            directory = (directory as NSString).deletingLastPathComponent
        }
        return (missing, directory)
    }

    /// The path with every symlink resolved; nil for a dangling link or a loop.
    public static func resolved(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    /// `path` as an absolute path without `.`/`..` components or repeated
    /// slashes; symlinks are left as they are (they are resolved per file).
    static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var components: [Substring] = []
        for component in joined.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}

/// An exclusive `flock` on a directory, held until released or the process ends.
///
/// Two runs into one output directory take turns at the whole write: the
/// second is refused at once rather than interleaving its renames.
final class DirectoryLock {
    private let descriptor: Int32

    /// Takes the lock, or returns nil when another process holds it.
    init?(directory: String) throws(FileSystemError) {
        descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError(operation: "open", path: directory, errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            close(descriptor)
            if error == EWOULDBLOCK { return nil }
            throw FileSystemError(operation: "flock", path: directory, errno: error)
        }
    }

    deinit { close(descriptor) }
}
