import Foundation
import Glibc

/// Writes a `GeneratedTree` under a root directory, all or nothing.
///
/// Every changed file is first written as a temporary beside its target;
/// the journal (`Journal`) then records the whole plan before the first
/// rename, so that a failure, or a kill, part-way leaves the tree as it was.
/// Unchanged files are not touched (their mtimes stay, so `make` rebuilds
/// nothing). What mqgen owns is what its manifest lists: only those files are
/// replaced freely or removed as stale, never a file found by scanning.
/// One run at a time holds the root: a second is refused.
public struct OutputWriter {
    /// The root, absolute.
    public let root: String
    /// A kernel source tree (in-tree mode): its hand-written block module is
    /// replaced on the first run. A standalone output directory instead
    /// refuses a file at a generated path that mqgen did not write, and a
    /// directory that holds, or sits inside, another generated tree.
    public let isKernelTree: Bool
    /// A file, relative to a tree's root, that every generated tree has: a
    /// tree written before manifests existed is known by its notice.
    public let landmark: String

    /// What a write or a check found, by path relative to the root.
    public struct Report: Equatable, Sendable {
        public var changed: [String] = []
        public var unchanged: [String] = []
        public var stale: [String] = []
        /// What was done about an interrupted earlier run, if there was one.
        public var recovered: String?

        public var isClean: Bool { changed.isEmpty && stale.isEmpty }
    }

    public init(root: String, isKernelTree: Bool = false, landmark: String) throws(WriteError) {
        guard !root.isEmpty else { throw .badOutput("--output: an empty path; name the directory to write into") }
        let absolute = FileSystem.absolute(root)
        guard absolute != "/" else { throw .badOutput("\(root): refusing to write a generated tree into the root directory; name a directory below it") }
        self.root = absolute
        self.isKernelTree = isKernelTree
        self.landmark = landmark
    }

    /// Compares the tree with what is on disk, writing nothing.
    public func check(_ tree: GeneratedTree) throws(WriteError) -> Report {
        // A run that writes now holds the lock and has its journal here:
        // say so, rather than that an interrupted run left the journal.
        // Holding the lock also keeps a run from starting mid-check.
        var lock: DirectoryLock?
        if FileSystem.isDirectory(root) {
            do { lock = try DirectoryLock(directory: root) } catch { throw .unreadable(path: root, reason: error.reason) }
            guard lock != nil else { throw .locked(root) }
        }
        defer { withExtendedLifetime(lock) {} }
        if Journal.isPending(root: root) {
            throw .state(path: "\(root)/\(Journal.fileName)", reason: "an interrupted run left its journal here, so the tree may be half written; run mqgen without --check to finish or undo that run first")
        }
        var report = Report()
        for path in tree.paths {
            let target = try Target.inspect(path, below: root)
            if target.current == Data(tree.files[path]!.utf8) { report.unchanged.append(path) } else { report.changed.append(path) }
        }
        report.stale = try staleFiles(tree, manifest: Manifest.load(root: root) ?? Manifest()).map(\.path)
        return report
    }

    /// Writes `tree`; see `write(force:tree:)`.
    @discardableResult
    /// Throws only `WriteError`.
    public func write(_ tree: GeneratedTree, force: Bool = false) throws -> Report {
        try write(force: force) { tree }
    }

    /// Takes the directory, finishes or undoes an interrupted earlier run,
    /// then writes the tree `makeTree` makes: in a kernel tree, what it makes
    /// depends on files an interrupted run may have left half written.
    @discardableResult
    /// It rethrows what `makeTree` throws (the renderer's errors) as they are.
    public func write(force: Bool = false, tree makeTree: () throws -> GeneratedTree) throws -> Report {
        // A standalone output depends on nothing in it, so it is rendered
        // before anything is created: a render that fails, or never ends
        // and is killed, leaves no directory behind.
        let rendered = isKernelTree ? nil : try makeTree()
        let created = try makeRoot()
        let lock: DirectoryLock?
        do { lock = try DirectoryLock(directory: root) } catch {
            created.reversed().forEach(FileSystem.removeEmptyDirectory)
            throw WriteError.unwritable(path: root, reason: error.reason)
        }
        // Refused: the directory stays, since the run that holds it uses it.
        guard let lock else { throw WriteError.locked(root) }
        defer { withExtendedLifetime(lock) {} }
        do {
            let recovered = try Journal.recover(root: root)
            let tree: GeneratedTree
            if let rendered { tree = rendered } else { tree = try makeTree() }
            var plan = try WritePlan(writer: self, tree: tree, force: force)
            plan.report.recovered = recovered
            try plan.run()
            return plan.report
        } catch {
            created.reversed().forEach(FileSystem.removeEmptyDirectory)
            throw error
        }
    }

    /// Creates the root's missing ancestors; returns them, outermost first.
    private func makeRoot() throws(WriteError) -> [String] {
        let (missing, existing) = FileSystem.missingAncestors(of: root)
        guard FileSystem.isDirectory(existing) else {
            throw .unwritable(path: existing, reason: "not a directory, and the output goes below it")
        }
        var created: [String] = []
        for directory in missing {
            do { try FileSystem.makeDirectory(directory) } catch where error.errno == EEXIST { continue } catch {
                created.reversed().forEach(FileSystem.removeEmptyDirectory)
                throw .unwritable(path: directory, reason: error.reason)
            }
            created.append(directory)
        }
        return created
    }

    // MARK: Ownership

    /// Files the manifest lists that the tree no longer has: regular files only.
    func staleFiles(_ tree: GeneratedTree, manifest: Manifest) throws(WriteError) -> [(path: String, target: Target)] {
        var stale: [(String, Target)] = []
        for path in manifest.digests.keys.sorted() where tree.files[path] == nil {
            guard case .regular = FileSystem.kind("\(root)/\(path)") else { continue }
            stale.append((path, try Target.inspect(path, below: root)))
        }
        return stale
    }

    /// Throws unless mqgen may replace or remove `current` at `path`.
    func checkOwnership(of path: String, current: Data, manifest: Manifest?) throws(WriteError) {
        if let digest = manifest?.digests[path] {
            guard Manifest.digest(current) == digest else { throw .editedSinceGenerated("\(root)/\(path)") }
            return
        }
        // Not in a manifest: a file of a tree generated before manifests
        // carries the notice; in a kernel tree that mqgen has not written
        // yet, the hand-written module is what in-tree mode replaces.
        guard (isKernelTree && manifest == nil) || Self.carriesNotice(current) else { throw .notGenerated("\(root)/\(path)") }
    }

    /// A standalone output must not hold another generated tree (it would
    /// own none of it and leave a mix), nor sit inside one.
    func checkNesting() throws(WriteError) {
        guard !isKernelTree else { return }
        var ancestor = (root as NSString).deletingLastPathComponent
        while ancestor != "/" {
            if holdsGeneratedTree(ancestor) { throw .nestedTree(root: root, other: ancestor, inside: true) }
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        if let nested = generatedTree(below: root, depth: 3) { throw .nestedTree(root: root, other: nested, inside: false) }
    }

    private func holdsGeneratedTree(_ directory: String) -> Bool {
        if FileSystem.kind("\(directory)/\(Manifest.fileName)") != .missing { return true }
        let module = "\(directory)/\(landmark)"
        guard case .regular = FileSystem.kind(module), let data = try? FileSystem.read(module) else { return false }
        return Self.carriesNotice(data)
    }

    /// Whether a file's first lines carry the notice of a generated file.
    private static func carriesNotice(_ data: Data) -> Bool {
        String(decoding: data.prefix(512), as: UTF8.self).contains(GeneratedNotice.prefix)
    }

    /// A directory below `directory`, `depth` levels at most, that holds a
    /// generated tree. Only directories are walked (links are not followed).
    private func generatedTree(below directory: String, depth: Int) -> String? {
        guard depth > 0 else { return nil }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for name in names where FileSystem.kind("\(directory)/\(name)") == .directory {
            let child = "\(directory)/\(name)"
            if holdsGeneratedTree(child) { return child }
            if let nested = generatedTree(below: child, depth: depth - 1) { return nested }
        }
        return nil
    }
}
