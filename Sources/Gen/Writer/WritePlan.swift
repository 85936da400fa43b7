import Foundation
import Glibc

/// Everything one write will do, decided (and every target checked) before
/// anything on disk changes.
struct WritePlan {
    var report = OutputWriter.Report()
    private var journal = Journal(directories: [], steps: [])
    /// The temporaries to write, with their contents and modes.
    private var temporaries: [(path: String, data: Data, mode: mode_t)] = []

    init(writer: OutputWriter, tree: GeneratedTree, force: Bool) throws(GenError) {
        try writer.checkNesting()
        let manifest = try Manifest.load(root: writer.root)
        let mountPoints = Target.mountPoints()
        for path in tree.paths {
            let target = try Target.inspect("\(writer.root)/\(path)", mountPoints: mountPoints)
            let data = Data(tree.files[path]!.utf8)
            guard target.current != data else {
                report.unchanged.append(path)
                continue
            }
            if let current = target.current, !force, !tree.edited.contains(path) {
                try writer.checkOwnership(of: path, current: current, manifest: manifest)
            }
            report.changed.append(path)
            add(target, data: data)
        }
        for (path, current) in try writer.staleFiles(tree, manifest: manifest ?? Manifest()) {
            if !force { try writer.checkOwnership(of: path, current: current, manifest: manifest) }
            report.stale.append(path)
            let target = "\(writer.root)/\(path)"
            journal.steps.append(.remove(target: target, backup: Self.sibling(of: target, suffix: "old")))
        }
        // The manifest goes last: it describes the tree once every step is done.
        let owned = tree.files.filter { !tree.edited.contains($0.key) }
        let record = Data(Manifest(files: owned).text.utf8)
        let manifestTarget = try Target.inspect("\(writer.root)/\(Manifest.fileName)", mountPoints: mountPoints)
        if manifestTarget.current != record { add(manifestTarget, data: record) }
    }

    private mutating func add(_ target: Target, data: Data) {
        let temporary = Self.sibling(of: target.real, suffix: "new")
        temporaries.append((temporary, data, target.mode))
        if target.current == nil {
            journal.directories += Self.missingDirectories(above: target.real).filter { !journal.directories.contains($0) }
            journal.steps.append(.create(target: target.real, temporary: temporary))
        } else {
            journal.steps.append(.replace(target: target.real, temporary: temporary,
                                          backup: Self.sibling(of: target.real, suffix: "old")))
        }
    }

    /// Carries the plan out: journal, directories, temporaries, renames,
    /// commit. On a failure before the commit, every change is undone and
    /// the error names the path that failed.
    func run(root: String) throws(GenError) {
        guard !journal.steps.isEmpty else { return }
        do { try journal.save(root: root) } catch { throw .unwritable(path: error.path, reason: "\(error.reason); nothing was changed") }
        do {
            for directory in journal.directories { try FileSystem.makeDirectory(directory) }
            for temporary in temporaries { try FileSystem.create(temporary.path, data: temporary.data, mode: temporary.mode) }
            try journal.apply()
            try Journal.commit(root: root)
        } catch {
            let failed = journal.rollBack()
            guard failed.isEmpty else {
                // The journal stays: the next run finishes the roll-back.
                throw .unwritable(path: error.path, reason: "\(error.reason); and \(failed.count) file(s) could not be restored yet (\(failed[0])): run mqgen again to restore them")
            }
            Journal.discard(root: root)
            throw .unwritable(path: error.path, reason: "\(error.reason); nothing was changed")
        }
        journal.finish(root: root)
        Journal.discard(root: root)
    }

    /// `dir/.name.mqgen-<pid>.<suffix>`: per run, hidden, and in the same
    /// directory (so on the same file system) as the file it stands beside.
    static func sibling(of path: String, suffix: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        return "\(directory)/.\(name).mqgen-\(getpid()).\(suffix)"
    }

    /// The directories above a new file that do not exist yet, outermost first.
    private static func missingDirectories(above path: String) -> [String] {
        var missing: [String] = []
        var directory = (path as NSString).deletingLastPathComponent
        while FileSystem.kind(directory) == .missing, directory != "/" {
            missing.insert(directory, at: 0)
            directory = (directory as NSString).deletingLastPathComponent
        }
        return missing
    }
}
