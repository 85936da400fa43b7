import Clang
import Foundation
@testable import KernelHeaders
import Testing

/// The fuzz run of issue 17 (`Scripts/fuzz`), kept as tests: every committed
/// corpus input and every crash reproducer goes through the fuzzer's own
/// entry points (`FuzzHarness`), without libFuzzer, and must keep the
/// target's invariants. A reproducer once trapped or broke one; it must now
/// come back as a value or a `HeaderError`.
@Suite(.serialized) struct FuzzCorpusTests {
    static let root = "\(Repo.root)/Tests/Fuzz"

    static func files(_ kind: String, of target: FuzzTarget) -> [String] {
        let directory = "\(root)/\(kind)/\(target.rawValue)"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(directory)/\($0)" }
    }

    @Test(arguments: FuzzTarget.allCases)
    func corpusKeepsTheInvariants(target: FuzzTarget) throws {
        let corpus = Self.files("corpus", of: target)
        #expect(!corpus.isEmpty, "no committed corpus in Tests/Fuzz/corpus/\(target.rawValue)")
        try replay(corpus + Self.files("crashes", of: target), through: target)
    }

    private func replay(_ files: [String], through target: FuzzTarget) throws {
        let harness = try FuzzHarness(target: target, fixtureKernel: Repo.fixtureKernel)
        for file in files {
            let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            let problems = harness(input)
            #expect(problems.isEmpty, "\(file.dropFirst(Repo.root.count + 1)): \(problems.joined(separator: "; "))")
        }
    }

    /// The committed corpus stays small: minimised inputs, not header trees.
    @Test func corpusIsSmall() throws {
        let sizes = try FuzzTarget.allCases.flatMap { Self.files("corpus", of: $0) + Self.files("crashes", of: $0) }
            .map { try FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int ?? 0 }
        #expect(sizes.reduce(0, +) < 1_000_000)
    }
}

/// The second evaluations the fuzz targets check against can fail: a wrong
/// value is a disagreement, so a replay that passes means something.
@Suite struct FuzzOracleTests {
    static func scratch() throws -> String { try Scratch.makeDirectory(named: "mqgen-fuzz-oracle") }

    @Test func clangCheckCatchesAWrongValue() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let check = ClangCheck(index: .init(), path: "\(directory)/check.c")
        let sum = ClangCheck.plainC(["1", "<<", "40", "|", "KNOWN"], known: ["KNOWN": 3])!
        // 2^40 + 3, as C computes it; 7 is what a broken evaluator might say.
        #expect(check.disagreements([.init(text: sum, expected: 1_099_511_627_779, body: "")]).isEmpty)
        #expect(check.disagreements([.init(text: sum, expected: 7, body: "")]).count == 1)
    }

    @Test func plainCLeavesOutCasts() {
        #expect(ClangCheck.plainC(["(", "u8", ")", "300"], known: [:]) == nil)
        #expect(ClangCheck.plainC(["UNKNOWN"], known: [:]) == nil)
    }

    @Test func conditionCheckAsksThePreprocessor() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let check = ConditionCheck(index: .init(), path: "\(directory)/condition.c",
                                   fixtureKernel: Repo.fixtureKernel, scratch: directory)
        let condition = "IS_ENABLED ( CONFIG_A ) && ! defined ( CONFIG_B )"
        #expect(check.keeps(condition, defining: ["CONFIG_A_MODULE"]) == true)
        #expect(check.keeps(condition, defining: ["CONFIG_A", "CONFIG_B"]) == false)
    }
}
