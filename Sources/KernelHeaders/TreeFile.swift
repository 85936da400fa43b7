import Foundation

/// The tree's files as mqgen itself reads them (`Makefile`, `version.h`,
/// `autoconf.h`): opened without blocking, checked on the opened
/// descriptor to be a regular file, and read up to a bound. A FIFO would
/// block `open` forever and a device (`/dev/zero`) would be read until
/// memory runs out; `IncludeSweep` names such a file before anything reads
/// it, so here one that appears later only reads as absent.
enum TreeFile {
    /// Larger than any file of a kernel tree (the largest header is a few
    /// MiB), so only a file that is not source is refused.
    static let limit = 64 << 20

    /// The text of the regular file at `path`; nil when there is none (or
    /// what is there is no regular file, or is larger than `limit`).
    /// Bytes that are not UTF-8 are replaced, never a reason to fail.
    static func text(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        return String(decoding: bytes[0..<filled], as: UTF8.self)
    }

    /// Why `path` cannot be read as a source file: a FIFO, socket or
    /// device (through any links); nil for a regular file, a directory or
    /// nothing at all.
    static func problem(_ path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: return "is a FIFO, not a file; reading it would block"
        case S_IFSOCK: return "is a socket, not a file"
        case S_IFCHR, S_IFBLK: return "is a device node, not a file; reading it would not end"
        default: return "is not a regular file"
        }
    }
}
