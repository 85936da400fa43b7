import Foundation

/// Why a path that names something cannot be read as what mqgen needs: a
/// directory where a header should be, a symbolic link that leads nowhere.
///
/// `FileManager.fileExists` says yes to a directory and no to a broken link
/// alike with a missing file, so the tree checks ask `lstat`/`stat` instead
/// and name the path at fault.
enum PathCheck {
    /// The problem with the header at `path`, or nil when it is a readable
    /// file or there is nothing at all by that name.
    static func headerProblem(_ path: String) -> String? {
        if let problem = linkProblem(path) { return problem }
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & S_IFMT == S_IFDIR ? "is a directory, not a header" : nil
    }

    /// The problem with `path` as a symbolic link: dangling or a loop; nil
    /// when it is no link or one that resolves.
    static func linkProblem(_ path: String) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK, stat(path, &status) != 0 else { return nil }
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
        return errno == ELOOP
            ? "symbolic link loop (through '\(target)')"
            : "dangling symbolic link to '\(target)'"
    }
}
