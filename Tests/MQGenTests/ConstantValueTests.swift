import BlockIR
import Foundation
import KernelHeaders
import Testing
import TestSupport

/// The values mqgen read for enums and macros, checked by the compiler
/// itself: every one becomes a `_Static_assert` in a C file that includes
/// the same headers, compiled by clang with the tree's own arguments. A
/// value mqgen's macro evaluator or libclang reading got wrong fails the
/// compile, naming the constant.
@Suite struct ConstantValueTests {
    /// The clang of the LLVM mqgen links, which the tree's arguments are for.
    static let clang = "/usr/lib/llvm-19/bin/clang"

    @Test(arguments: DebianTree.allCases)
    func everyValueIsTheCompilers(tree: DebianTree) throws {
        let api = try tree.api
        let result = try Self.compile(Self.assertions(of: api), tree: tree)
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// The check can fail: one value off by one is a compile error that
    /// names it.
    @Test func aWrongValueFailsTheCompile() throws {
        let api = try DebianTree.v6_12.api
        let write = try #require(api.enumeration("req_op")?.enumerators.first { $0.name == "REQ_OP_WRITE" })
        let result = try Self.compile(["_Static_assert(REQ_OP_WRITE == \(write.value + 1), \"REQ_OP_WRITE\");"], tree: .v6_12)
        #expect(result.status != 0)
        #expect(result.stderr.contains("REQ_OP_WRITE"))
    }

    /// The enumerators the IR lists are those the header's text declares,
    /// in its order (the names read by a plain text reader, not libclang).
    @Test(arguments: DebianTree.allCases)
    func enumeratorsAreTheHeaders(tree: DebianTree) throws {
        let api = try tree.api
        for (name, header) in APISurface.enums {
            let parsed = try #require(api.enumeration(name))
            let path = "\(try tree.tree.srctree)/\(header)"
            #expect(parsed.enumerators.map(\.name) == (try HeaderText.enumeratorNames(ofEnum: name, inHeader: path)), "enum \(name)")
        }
    }

    static func assertions(of api: BlockLayerAPI) -> [String] {
        let enumerators = api.enums.flatMap(\.enumerators).map { ($0.name, $0.value) }
        return (enumerators + api.constants.map { ($0.name, $0.value) }).map { name, value in
            "_Static_assert(\(name) == \(value)LL, \"\(name)\");"
        }
    }

    static func compile(_ lines: [String], tree: DebianTree) throws -> ChildResult {
        let kernelTree = try tree.tree
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = "\(directory)/values.c"
        try (HeaderScan.probe() + lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return try ChildProcess.run(clang, kernelTree.clangArguments + ["-fsyntax-only", file])
    }
}
