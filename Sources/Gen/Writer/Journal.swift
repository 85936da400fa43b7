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
        case create(target: String, temporary: String)
        /// An existing file: it goes to the backup, then the temporary takes its place.
        case replace(target: String, temporary: String, backup: String)
        /// A stale file: it goes to the backup, deleted on commit.
        case remove(target: String, backup: String)

        var target: String {
            switch self {
            case .create(let target, _), .replace(let target, _, _), .remove(let target, _): target
            }
        }
    }

    /// Directories to create, outermost first (removed again, when empty, on a roll-back).
    var directories: [String]
    var steps: [Step]

    // MARK: Running it

    /// Moves every temporary into place and every stale file aside; throws
    /// at the first failure, leaving the rest to `rollBack`.
    /// The error names the target of the step, the file the user knows.
    func apply() throws(FileSystemError) {
        for step in steps {
            do {
                switch step {
                case .create(let target, let temporary):
                    try FileSystem.rename(temporary, to: target)
                case .replace(let target, let temporary, let backup):
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
    /// temporaries and the directories the write made, and returns the
    /// paths it could not restore (empty when the tree is as it was).
    func rollBack() -> [String] {
        var failed: [String] = []
        for step in steps.reversed() {
            switch step {
            case .create(let target, let temporary):
                // The target did not exist: once the temporary is gone, what is there is ours.
                if FileSystem.kind(temporary) == .missing, FileSystem.kind(target) != .missing {
                    if (try? FileSystem.unlink(target)) == nil { failed.append(target) }
                }
                try? FileSystem.unlink(temporary)
            case .replace(let target, let temporary, let backup):
                if FileSystem.kind(backup) != .missing, (try? FileSystem.rename(backup, to: target)) == nil {
                    failed.append(target)
                }
                try? FileSystem.unlink(temporary)
            case .remove(let target, let backup):
                if FileSystem.kind(backup) != .missing, (try? FileSystem.rename(backup, to: target)) == nil {
                    failed.append(target)
                }
            }
        }
        for directory in directories.reversed() { FileSystem.removeEmptyDirectory(directory) }
        return failed
    }

    /// After the commit: deletes the backups (and any temporary left), and
    /// the directories below `root` that removing stale files left empty.
    func finish(root: String) {
        for step in steps {
            switch step {
            case .create(_, let temporary): try? FileSystem.unlink(temporary)
            case .replace(_, let temporary, let backup):
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

    func save(root: String) throws(FileSystemError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = (try? encoder.encode(self)) ?? Data()
        let temporary = "\(root)/\(Self.fileName).\(getpid()).new"
        do {
            try FileSystem.create(temporary, data: data, mode: 0o644)
            try FileSystem.rename(temporary, to: "\(root)/\(Self.fileName)")
        } catch {
            try? FileSystem.unlink(temporary)
            throw FileSystemError(operation: error.operation, path: "\(root)/\(Self.fileName)", errno: error.errno)
        }
    }

    /// The commit point of the write.
    static func commit(root: String) throws(FileSystemError) {
        try FileSystem.rename("\(root)/\(fileName)", to: "\(root)/\(committedName)")
    }

    static func discard(root: String) {
        try? FileSystem.unlink("\(root)/\(fileName)")
        try? FileSystem.unlink("\(root)/\(committedName)")
    }

    /// Finishes or undoes the write of an earlier run that was killed, so
    /// that the tree is whole before this run looks at it. Returns what it did.
    static func recover(root: String) throws(GenError) -> String? {
        leftoverTemporaries(root: root).forEach { try? FileSystem.unlink("\(root)/\($0)") }
        for (name, committed) in [(committedName, true), (fileName, false)] {
            let path = "\(root)/\(name)"
            let data: Data?
            do { data = try FileSystem.read(path) } catch { throw .unwritable(path: path, reason: error.reason) }
            guard let data else { continue }
            guard let journal = try? JSONDecoder().decode(Journal.self, from: data) else {
                throw .unwritable(path: path, reason: "an mqgen journal that cannot be read; restore the tree from version control and remove this file")
            }
            if committed {
                journal.finish(root: root)
            } else if case let failed = journal.rollBack(), !failed.isEmpty {
                throw .unwritable(path: failed[0], reason: "cannot restore it from an interrupted run's backup (\(failed.count) file(s)); see \(path)")
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
