import BlockIR
import Foundation
import Gen
import KernelHeaders
import TestSupport
import Testing
import Writer

/// Paths and helpers shared by the tests.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let fixtureKernel = "\(root)/Tests/Fixtures/kernel"
    /// This checkout's templates: what the tests render with (the binary's
    /// compiled-in copy is checked against them by `EmbeddedTemplatesTests`).
    static let templateDirectory = try! TemplateDirectory.locate("\(root)/Templates")
    static let templates = TemplateSource.directory(templateDirectory)

    /// Set to 1 to rewrite the goldens (IR snapshots and Output/) instead of comparing.
    static let updateVariable = "MQGEN_UPDATE_GOLDENS"
    static var updating: Bool { ProcessInfo.processInfo.environment[updateVariable] == "1" }

    /// The mqgen binary of the build the tests come from (the test target depends on it).
    static var mqgen: String { ToolPath.product("mqgen") }

    /// What every mqgen run of the tests gets: this checkout's templates.
    static var environment: [String: String] { ["MQGEN_TEMPLATES": templateDirectory.path] }
}

/// The Debian header trees the tests run against: bookworm's 6.1 and 6.12
/// amd64 trees installed by `Scripts/setup`, and the 7.2 (sid), 7.3
/// (trixie-backports) and arm64 trees it unpacks under `.build/trees`
/// without installing them. Each is matched by major.minor, so a stable
/// update is not drift.
enum DebianTree: String, CaseIterable, CustomTestStringConvertible {
    case v6_12 = "6.12"
    case v6_1 = "6.1"
    case v7_3 = "7.3"
    case v7_2 = "7.2"
    case v6_12_arm64 = "6.12-arm64"
    case v7_3_arm64 = "7.3-arm64"

    var testDescription: String { "Debian \(rawValue)" }

    var series: String { String(rawValue.prefix { $0 != "-" }) }
    var arch: String { rawValue.hasSuffix("-arm64") ? "arm64" : "amd64" }

    /// Where the objtree lives: installed, or unpacked by Scripts/setup.
    var directory: String {
        ["6.1", "6.12"].contains(series) && arch == "amd64" ? "/usr/src" : "\(Repo.root)/.build/trees/usr/src"
    }

    /// The newest `linux-headers-<series>.*-<arch>` objtree there.
    var objtree: String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let matches = names.filter {
            $0.hasPrefix("linux-headers-\(series).") && $0.hasSuffix("-\(arch)")
                && !$0.contains("cloud") && !$0.contains("-rt-")
        }
        let newest = matches.max { Self.sublevel($0) < Self.sublevel($1) }
        return newest.map { "\(directory)/\($0)" } ?? "\(directory)/linux-headers-\(series)-\(arch)-missing-run-Scripts-setup"
    }

    var tree: KernelTree {
        get throws(HeaderError) { try KernelTree.locate(headers: "\(objtree)/include") }
    }

    var snapshot: String { "\(Repo.root)/Tests/Snapshots/ir-\(rawValue).json" }

    /// The committed tree it must generate. 7.2's tables and era are those
    /// of 7.3, and an arm64 tree generates what its amd64 twin does, so they
    /// share a tree: the day one differs, its drift test says so.
    var outputSeries: String { series == "7.2" ? "7.3" : series }
    var output: String { "\(Repo.root)/Output/\(outputSeries)" }
    /// Whether this tree is the one that writes `output` when goldens are regenerated.
    var ownsOutput: Bool { arch == "amd64" && series == outputSeries }

    private static func sublevel(_ name: String) -> Int {
        let release = name.dropFirst("linux-headers-".count).split(separator: "-")[0]
        return Int(release.split(separator: ".").dropFirst(2).first?.prefix { $0.isNumber } ?? "") ?? 0
    }

    /// Scans are slow-ish (a kernel parse each), so each tree is scanned once per test run.
    static let scans: [DebianTree: Result<BlockLayerAPI, any Error>] = {
        var result: [DebianTree: Result<BlockLayerAPI, any Error>] = [:]
        for tree in allCases {
            result[tree] = Result { try HeaderScan(tree: try tree.tree).run() }
        }
        return result
    }()

    var api: BlockLayerAPI {
        get throws { try Self.scans[self]!.get() }
    }
}

extension BlockLayerAPI {
    /// The IR without what a Debian stable update changes while the API stays
    /// the same (sublevel, line numbers), so that a snapshot survives it.
    var stable: BlockLayerAPI {
        var copy = self
        copy.kernel.sublevel = 0
        for keyPath in [\BlockLayerAPI.mqOps, \.diskOps, \.tagSet, \.queueLimits] {
            copy[keyPath: keyPath].line = 0
            copy[keyPath: keyPath].fields = copy[keyPath: keyPath].fields.map { var field = $0; field.line = 0; return field }
        }
        if var data = copy.queueData {
            data.line = 0
            data.fields = data.fields.map { var field = $0; field.line = 0; return field }
            copy.queueData = data
        }
        copy.functions = copy.functions.map { var function = $0; function.line = 0; return function }
        copy.enums = copy.enums.map { var enumeration = $0; enumeration.line = 0; return enumeration }
        return copy
    }
}

/// Compares `actual` with the golden file at `path`, or rewrites it when updating.
func expectGolden(_ actual: String, at path: String, regenerate: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    if Repo.updating {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(actual.utf8).write(to: URL(fileURLWithPath: path))
        return
    }
    let expected = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    if expected != actual {
        let diff = UnifiedDiff.between(expected, actual, label: path.replacingOccurrences(of: Repo.root + "/", with: ""))
        Issue.record("\(path) differs from what the code produces now:\n\(diff)\nIf the change is intended, regenerate with: \(regenerate)", sourceLocation: sourceLocation)
    }
}

/// A fixture kernel tree: the base fixture with some lines of its headers
/// replaced, copied to a temporary directory.
struct FixtureTree {
    struct Edit {
        var file: String
        var find: String
        var replace: String
    }

    let root: String

    init(_ edits: [Edit] = [], removing removed: [String] = []) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mqgen-fixture-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: Repo.fixtureKernel, toPath: root)
        for edit in edits {
            let path = "\(root)/\(edit.file)"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            precondition(text.contains(edit.find), "fixture edit does not apply: \(edit.find)")
            try Data(text.replacingOccurrences(of: edit.find, with: edit.replace).utf8).write(to: URL(fileURLWithPath: path))
        }
        for file in removed { try FileManager.default.removeItem(atPath: "\(root)/\(file)") }
    }

    var include: String { "\(root)/include" }

    func scan() throws(HeaderError) -> BlockLayerAPI {
        try HeaderScan(tree: try KernelTree.locate(headers: include)).run()
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// Runs the mqgen binary; returns its exit status, stdout and stderr.
///
/// `wrapper` runs it under another command (`strace -e inject=...`,
/// `unshare`); `directory` is its working directory. A run that outlives
/// `timeout` seconds is killed and recorded as an issue (a hang).
@discardableResult
func runMQGen(_ arguments: [String], in directory: String? = nil, under wrapper: [String] = [],
              timeout: Double = 120, sourceLocation: SourceLocation = #_sourceLocation) throws -> (status: Int32, stdout: String, stderr: String) {
    let command = wrapper + [Repo.mqgen] + arguments
    let run = try ChildProcess.run(command[0], Array(command.dropFirst()), in: directory, environment: Repo.environment, timeout: timeout)
    if run.timedOut {
        Issue.record("mqgen \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s", sourceLocation: sourceLocation)
    }
    return (run.status, run.stdout, run.stderr)
}

/// Every file below `directory`, relative, sorted.
func listFiles(_ directory: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
    var files: [String] = []
    while let path = walker.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "\(directory)/\(path)", isDirectory: &isDirectory), !isDirectory.boolValue {
            files.append(path)
        }
    }
    return files.sorted()
}

func temporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("mqgen-test-\(UUID().uuidString)").path
}
