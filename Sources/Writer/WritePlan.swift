import Foundation
import Glibc

/// Everything one write will do, decided (and every target checked) before
/// anything on disk changes.
struct WritePlan {
    var report = OutputWriter.Report()
    private var journal: Journal
    /// The temporaries to write: their paths, targets, contents and modes.
    private var temporaries: [(path: String, target: String, data: Data, mode: mode_t?)] = []

    init(writer: OutputWriter, tree: GeneratedTree, force: Bool) throws(WriteError) {
        journal = Journal(root: writer.root, directories: [], steps: [])
        try writer.checkNesting()
        let manifest = try Manifest.load(root: writer.root)
        let mountPoints = Target.mountPoints()
        var reals = Set<String>()
        for path in tree.paths {
            let target = try Target.inspect(path, below: writer.root)
            try Self.claim(target, in: &reals)
            let data = Data(tree.files[path]!.utf8)
            guard target.current != data else {
                report.unchanged.append(path)
                continue
            }
            if let current = target.current, !force, !tree.edited.contains(path) {
                try writer.checkOwnership(of: path, current: current, manifest: manifest)
            }
            try target.checkReplaceable(mountPoints: mountPoints)
            report.changed.append(path)
            add(target, data: data)
        }
        for (path, target) in try writer.staleFiles(tree, manifest: manifest ?? Manifest()) {
            try Self.claim(target, in: &reals)
            if !force { try writer.checkOwnership(of: path, current: target.current ?? Data(), manifest: manifest) }
            try target.checkReplaceable(mountPoints: mountPoints)
            report.stale.append(path)
            journal.steps.append(.remove(target: target.real, backup: Self.sibling(of: target.real, suffix: "old")))
        }
        // The manifest goes last: it describes the tree once every step is done.
        let owned = tree.files.filter { !tree.edited.contains($0.key) }
        let record = Data(Manifest(files: owned).text.utf8)
        let manifestTarget = try Target.inspect(Manifest.fileName, below: writer.root)
        if manifestTarget.current != record {
            try manifestTarget.checkReplaceable(mountPoints: mountPoints)
            add(manifestTarget, data: record)
        }
    }

    /// Two generated paths that are one file (through a symlink) would have
    /// two steps on it, the second undoing the first's backup.
    private static func claim(_ target: Target, in reals: inout Set<String>) throws(WriteError) {
        guard reals.insert(target.real).inserted else {
            throw .unwritable(path: target.path, reason: "the same file as another generated path (\(target.real)); give each its own file")
        }
    }

    private mutating func add(_ target: Target, data: Data) {
        let temporary = Self.sibling(of: target.real, suffix: "new")
        let written = Manifest.digest(data)
        temporaries.append((temporary, target.path, data, target.mode))
        if target.current == nil {
            let (missing, _) = FileSystem.missingAncestors(of: (target.real as NSString).deletingLastPathComponent)
            journal.directories += missing.filter { !journal.directories.contains($0) }
            journal.steps.append(.create(target: target.real, temporary: temporary, written: written))
        } else {
            journal.steps.append(.replace(target: target.real, temporary: temporary,
                                          backup: Self.sibling(of: target.real, suffix: "old"), written: written))
        }
    }

    /// Carries the plan out: journal, directories, temporaries, renames,
    /// commit. On a failure before the commit, every change is undone and
    /// the error names the file that failed.
    func run() throws(WriteError) {
        guard !journal.steps.isEmpty else { return }
        do { try journal.save() } catch { throw .unwritable(path: error.path, reason: "\(error.reason); nothing was changed") }
        do throws(FileSystemError) {
            for directory in journal.directories { try FileSystem.makeDirectory(directory) }
            for temporary in temporaries {
                do { try FileSystem.create(temporary.path, data: temporary.data, mode: temporary.mode) } catch {
                    throw FileSystemError(operation: error.operation, path: temporary.target, errno: error.errno)
                }
            }
            try journal.apply()
            try journal.commit()
        } catch {
            let problems = journal.rollBack()
            guard problems.isEmpty else {
                // The journal stays: the next run tries the roll-back again.
                throw .unwritable(path: error.path, reason: "\(error.reason); and not everything could be put back yet: \(problems.joined(separator: "; "))")
            }
            Journal.discard(root: journal.root)
            throw .unwritable(path: error.path, reason: "\(error.reason); nothing was changed")
        }
        journal.finish()
        Journal.discard(root: journal.root)
    }

    /// `dir/.name.mqgen-<pid>.<suffix>`: per run, hidden, and in the same
    /// directory (so on the same file system) as the file it stands beside.
    static func sibling(of path: String, suffix: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        return "\(directory)/.\(name).mqgen-\(getpid()).\(suffix)"
    }
}
