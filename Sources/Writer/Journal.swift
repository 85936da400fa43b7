import Foundation

/// The plan of one write, on disk before the first change is made, so that a
/// run killed part-way is undone (or finished) by the next one.
///
/// A write is: make the missing directories, write every new file as a
/// temporary beside its target, then for each target move the old file to a
/// backup and the temporary into place, and for each stale file move it to
/// a backup. Renaming the journal to its committed name is the one step that
/// makes the write happen; until then, `rollBack` restores every target from
/// its backup. After it, `finish` deletes the backups.
struct Journal: Codable, Equatable {
    static let fileName = ".mqgen-journal"
    static let committedName = ".mqgen-journal.committed"

    enum Step: Codable, Equatable {
        /// A new file: the temporary is renamed to the target.
        case create(target: String, temporary: String, written: String)
        /// An existing file: it goes to the backup, then the temporary takes its place.
        case replace(target: String, temporary: String, backup: String, written: String)
        /// A stale file: it goes to the backup, deleted on commit.
        case remove(target: String, backup: String)

        var target: String {
            switch self {
            case .create(let target, _, _), .replace(let target, _, _, _), .remove(let target, _): target
            }
        }
    }

    /// The output root the write was for: a journal found under another
    /// root (the tree was moved or copied) is not acted on.
    var root: String
    /// Directories to create, outermost first (removed again, when empty, on a roll-back).
    var directories: [String]
    var steps: [Step]

    // MARK: Running it

    /// Moves every temporary into place and every stale file aside; throws
    /// at the first failure, leaving the rest to `rollBack`. The error names
    /// the target of the step, the file the user knows.
    func apply() throws(FileSystemError) {
        for step in steps {
            do {
                switch step {
                case .create(let target, let temporary, _):
                    try FileSystem.rename(temporary, to: target)
                case .replace(let target, let temporary, let backup, _):
                    try FileSystem.rename(target, to: backup)
                    try FileSystem.rename(temporary, to: target)
                case .remove(let target, let backup):
                    try FileSystem.rename(target, to: backup)
                }
            } catch {
                throw FileSystemError(operation: error.operation, path: step.target, errno: error.errno)
            }
        }
    }

    /// Puts every target back as it was before the write, removes the
    /// temporaries and the directories the write made. A target is put back
    /// only while it holds what this write put there (or nothing): one that
    /// changed since (the user restored or edited it after a kill) is kept,
    /// and so is its backup. Returns a sentence for each target not put back.
    func rollBack() -> [String] {
        var problems: [String] = []
        for step in steps.reversed() {
            switch step {
            case .create(let target, let temporary, let written):
                if FileSystem.kind(temporary) == .missing, FileSystem.kind(target) != .missing {
                    if Self.holds(target, written) { try? FileSystem.unlink(target) } else {
                        problems.append("\(target): changed after the interrupted run that created it; kept")
                    }
                }
                try? FileSystem.unlink(temporary)
            case .replace(let target, let temporary, let backup, let written):
                try? FileSystem.unlink(temporary)
                guard FileSystem.kind(backup) != .missing else { continue }
                if FileSystem.kind(target) == .missing || Self.holds(target, written) {
                    if (try? FileSystem.rename(backup, to: target)) == nil { problems.append("\(target): cannot restore it from \(backup)") }
                } else {
                    problems.append("\(target): changed after the interrupted run; its earlier contents are in \(backup)")
                }
            case .remove(let target, let backup):
                guard FileSystem.kind(backup) != .missing else { continue }
                if FileSystem.kind(target) != .missing {
                    problems.append("\(target): made again after the interrupted run removed it; the removed file is in \(backup)")
                } else if (try? FileSystem.rename(backup, to: target)) == nil {
                    problems.append("\(target): cannot restore it from \(backup)")
                }
            }
        }
        for directory in directories.reversed() { FileSystem.removeEmptyDirectory(directory) }
        return problems
    }

    private static func holds(_ path: String, _ digest: String) -> Bool {
        guard case .regular = FileSystem.kind(path), let data = try? FileSystem.read(path) else { return false }
        return Manifest.digest(data) == digest
    }

    /// After the commit: deletes the backups (and any temporary left), and
    /// the directories below `root` that removing stale files left empty.
    func finish() {
        for step in steps {
            switch step {
            case .create(_, let temporary, _): try? FileSystem.unlink(temporary)
            case .replace(_, let temporary, let backup, _):
                try? FileSystem.unlink(temporary)
                try? FileSystem.unlink(backup)
            case .remove(let target, let backup):
                try? FileSystem.unlink(backup)
                var directory = (target as NSString).deletingLastPathComponent
                while directory.hasPrefix(root + "/"), rmdir(directory) == 0 {
                    directory = (directory as NSString).deletingLastPathComponent
                }
            }
        }
    }

    // MARK: On disk

    func save() throws(FileSystemError) {
        let path = "\(root)/\(Self.fileName)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data: Data
        do { data = try encoder.encode(self) } catch { throw FileSystemError(operation: "encode the journal", path: path, errno: EINVAL) }
        let temporary = "\(path).\(getpid()).new"
        do {
            try FileSystem.create(temporary, data: data, mode: nil)
            try FileSystem.rename(temporary, to: path)
        } catch {
            try? FileSystem.unlink(temporary)
            throw FileSystemError(operation: error.operation, path: path, errno: error.errno)
        }
    }

    /// The commit point of the write.
    func commit() throws(FileSystemError) {
        try FileSystem.rename("\(root)/\(Self.fileName)", to: "\(root)/\(Self.committedName)")
    }

    static func discard(root: String) {
        try? FileSystem.unlink("\(root)/\(fileName)")
        try? FileSystem.unlink("\(root)/\(committedName)")
    }

    /// Whether an interrupted run left its journal in `root`.
    static func isPending(root: String) -> Bool {
        FileSystem.kind("\(root)/\(fileName)") != .missing || FileSystem.kind("\(root)/\(committedName)") != .missing
    }

    /// Finishes or undoes the write of an earlier run that was killed, so
    /// that the tree is whole before this run looks at it. Returns what it did.
    static func recover(root: String) throws(WriteError) -> String? {
        leftoverTemporaries(root: root).forEach { try? FileSystem.unlink("\(root)/\($0)") }
        for (name, committed) in [(committedName, true), (fileName, false)] {
            let path = "\(root)/\(name)"
            let data: Data?
            do { data = try FileSystem.read(path) } catch { throw .state(path: path, reason: error.reason) }
            guard let data else { continue }
            guard let journal = try? JSONDecoder().decode(Journal.self, from: data) else {
                throw .state(path: path, reason: "an mqgen journal that cannot be read; restore the tree from version control and remove this file")
            }
            guard journal.root == root else {
                throw .state(path: path, reason: "the journal of an interrupted run in \(journal.root); this tree was moved or copied since: check it against version control and remove the journal and the hidden .mqgen-*.old/.new files")
            }
            if committed {
                journal.finish()
            } else if case let problems = journal.rollBack(), !problems.isEmpty {
                throw .state(path: path, reason: "undoing an interrupted run: \(problems.joined(separator: "; ")). Keep what you want, delete the rest, then remove this journal")
            }
            discard(root: root)
            return committed ? "finished the write of an interrupted run" : "undid the partial write of an interrupted run"
        }
        return nil
    }

    /// Journal temporaries of a run killed before its journal was in place.
    private static func leftoverTemporaries(root: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { $0.hasPrefix("\(fileName).") && $0.hasSuffix(".new") }
    }
}
