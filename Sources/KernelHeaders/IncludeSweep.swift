import Foundation

/// Looks through the directories libclang searches for headers, before it
/// opens any, for an entry that is no regular file or directory.
///
/// libclang opens what an `#include` names with a plain blocking `open` and
/// reads it to its end: a FIFO hangs the parse forever, a device such as
/// `/dev/zero` (or a link to one) grows it until memory runs out, and
/// nothing in the clang-c API lets a caller refuse either. So every entry
/// of the include path is looked at first: `readdir`'s type says most are
/// files or directories without a `stat`; links and unknown types are
/// followed. Such an entry anywhere in the search path is refused, whether
/// or not this parse would include it: no kernel tree has one.
struct IncludeSweep {
    /// Directories (`-I`) and forced includes (`-include`) of `arguments`.
    static func roots(of arguments: [String]) -> [String] {
        searchPath(of: arguments).map(\.path)
    }

    /// The files forced with `-include` alone.
    static func forcedIncludes(of arguments: [String]) -> [String] {
        searchPath(of: arguments).filter(\.forced).map(\.path)
    }

    /// Every `-I` directory and `-include` file of `arguments`, in order.
    private static func searchPath(of arguments: [String]) -> [(path: String, forced: Bool)] {
        var entries: [(String, Bool)] = []
        var forced = false
        for argument in arguments {
            if forced { entries.append((argument, true)); forced = false; continue }
            if argument == "-include" { forced = true } else if argument.hasPrefix("-I") { entries.append((String(argument.dropFirst(2)), false)) }
        }
        return entries
    }

    /// The first entry under `roots` that libclang must not open, with why.
    static func firstProblem(under roots: [String]) -> (path: String, problem: String)? {
        var sweep = IncludeSweep()
        for root in roots {
            if let found = sweep.visit(root) { return found }
        }
        return nil
    }

    /// Directories already walked, by device and inode: a link back up the
    /// tree, or two `-I` paths into one directory, is walked once.
    private var seen = Set<[UInt64]>()

    private mutating func visit(_ path: String) -> (String, String)? {
        if let problem = TreeFile.problem(path) { return (path, problem) }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR,
              seen.insert([UInt64(status.st_dev), UInt64(status.st_ino)]).inserted,
              let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            // Most entries are headers: their names are never spelled (that
            // was 40 M of the sweep's 80 M instructions on the 6.12 tree).
            let type = Int32(entry.pointee.d_type)
            guard type != Int32(DT_REG) else { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let child = "\(path)/\(name)"
            switch type {
            case Int32(DT_DIR), Int32(DT_LNK), Int32(DT_UNKNOWN):
                if let found = visit(child) { return found }
            default:
                if let problem = TreeFile.problem(child) { return (child, problem) }
            }
        }
        return nil
    }
}
