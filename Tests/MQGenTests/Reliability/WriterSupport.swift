import Foundation
import Testing
@testable import Gen
@testable import KernelTreeEditor
@testable import Writer

/// Two renderings of the fixture kernel that differ the way two kernel
/// versions do: the 6.12 file table (`rust/helpers/blk.c`, in a directory
/// of its own) and the 6.1 one (`rust/helpers.c.fragment`), so that going
/// from one to the other creates, replaces and removes files.
enum Versions {
    static let v6_12 = "\(Repo.fixtureKernel)/include"

    /// The fixture kernel as 6.1 (its version.h edited), made once per test run.
    static let v6_1: FixtureTree = try! FixtureTree([
        .init(file: "include/generated/uapi/linux/version.h", find: "LINUX_VERSION_PATCHLEVEL 12", replace: "LINUX_VERSION_PATCHLEVEL 1"),
    ])

    /// A clean run of each into a fresh directory: what a whole tree is.
    static let reference12 = reference(v6_12)
    static let reference61 = reference(v6_1.include)

    private static func reference(_ include: String) -> [String: Data] {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try! runMQGen(["--headers", include, "--output", directory])
        precondition(run.status == 0, run.stderr)
        return snapshot(directory)
    }
}

/// Every file below `directory` (hidden ones too) with its bytes, and every
/// directory as an entry with no data, so that a left-over directory shows.
/// Nothing but regular files is opened: a FIFO or device is a marker.
func snapshot(_ directory: String) -> [String: Data] {
    var result: [String: Data] = [:]
    guard let walker = FileManager.default.enumerator(atPath: directory) else { return result }
    while let path = walker.nextObject() as? String {
        let full = "\(directory)/\(path)"
        switch FileSystem.kind(full) {
        case .directory: result[path + "/"] = Data()
        case .regular: result[path] = (try? FileSystem.read(full)).flatMap { $0 } ?? Data("<unreadable>".utf8)
        case .symlink: result[path] = Data("<symlink>".utf8)
        case .special(let what): result[path] = Data("<\(what)>".utf8)
        case .missing: continue
        }
    }
    return result
}

/// Files a write leaves only when it goes wrong: temporaries, backups, journals.
func leftovers(_ directory: String) -> [String] {
    snapshot(directory).keys.filter { path in
        let name = (path as NSString).lastPathComponent
        return name.hasPrefix(".mqgen-journal") || (name.contains(".mqgen-") && (name.hasSuffix(".new") || name.hasSuffix(".old")))
    }.sorted()
}

/// A copy of a tree in a new directory, as a test's starting point.
func materialize(_ tree: [String: Data], at directory: String) throws {
    for (path, data) in tree.sorted(by: { $0.key < $1.key }) {
        let full = "\(directory)/\(path)"
        if path.hasSuffix("/") {
            try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        } else {
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: full))
        }
    }
}

func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}
