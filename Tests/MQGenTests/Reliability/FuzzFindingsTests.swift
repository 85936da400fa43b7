import BlockIR
import Foundation
@testable import KernelHeaders
import Testing

/// What the fuzz run of issue 17 found, each as a regression test. The
/// expected values are C's: an integer constant expression whose value
/// overflows is undefined (so not a constant), and a compiler rejects
/// nesting deeper than its limit (clang's `-fbracket-depth`, 256) rather
/// than crash.
@Suite struct FuzzFindingsTests {
    static func tokens(_ text: String) -> [String] { EvaluatorTests.tokens(text) }

    // MARK: INT64_MIN / -1 trapped the evaluator

    @Test(arguments: ["(-0x7fffffffffffffff - 1) / -1", "(-0x7fffffffffffffff - 1) % -1", "0x8000000000000000 / -1"])
    func overflowingDivisionIsNoConstant(body: String) {
        #expect(MacroEvaluator.evaluate(Self.tokens(body), known: [:]) == nil)
    }

    @Test func divisionNextToTheOverflowStillEvaluates() {
        #expect(MacroEvaluator.evaluate(Self.tokens("(-0x7fffffffffffffff - 1) / 1"), known: [:]) == .min)
        #expect(MacroEvaluator.evaluate(Self.tokens("(-0x7fffffffffffffff - 1) / -2"), known: [:]) == 1 << 62)
        #expect(MacroEvaluator.evaluate(Self.tokens("-7 % 3"), known: [:]) == -1)
    }

    // MARK: Deep nesting overflowed the stack of the recursive readers

    @Test func deepMacroNestingIsNoConstant() {
        #expect(MacroEvaluator.evaluate(Array(repeating: "~", count: 100_000) + ["1"], known: [:]) == nil)
        let parenthesized = Array(repeating: "(", count: 100_000) + ["1"] + Array(repeating: ")", count: 100_000)
        #expect(MacroEvaluator.evaluate(parenthesized, known: [:]) == nil)
    }

    @Test func nestingACompilerAcceptsStillEvaluates() {
        let parenthesized = Array(repeating: "(", count: 200) + ["1"] + Array(repeating: ")", count: 200)
        #expect(MacroEvaluator.evaluate(parenthesized, known: [:]) == 1)
        #expect(MacroEvaluator.evaluate(Array(repeating: "~", count: 200) + ["5"], known: [:]) == 5)
    }

    @Test func deepConditionIsNoKconfigCondition() {
        var deep = ConditionExpression(tokens: Array(repeating: "!", count: 100_000) + ["defined", "CONFIG_A"])
        #expect(deep.parse() == nil)
        var shallow = ConditionExpression(tokens: Array(repeating: "!", count: 200) + ["defined", "CONFIG_A"])
        #expect(shallow.parse()?.holds(given: ["CONFIG_A"]) == true)
    }

    /// The whole run: `mqgen` crashed (SIGSEGV) on a `BLK_STS_` define nested
    /// 25 000 deep (the debug build; the release one from some 100 000); it
    /// must name the define as one it cannot evaluate.
    @Test func deepStatusDefineIsRefused() throws {
        let define = "#define BLK_STS_MQGEN_DEEP " + String(repeating: "~", count: 25_000) + "1\n"
        let fixture = try FixtureTree([.init(file: "include/linux/blk_types.h", find: "#define BLK_STS_OK 0\n", replace: "#define BLK_STS_OK 0\n" + define)])
        defer { fixture.remove() }
        let line = try fixture.line(of: "#define BLK_STS_MQGEN_DEEP", in: "include/linux/blk_types.h")
        try expectRefusal(fixture, at: "\(fixture.root)/include/linux/blk_types.h:\(line)", mentioning: ["BLK_STS_MQGEN_DEEP"])
    }

    /// A deep `#if` in a block the preprocessor skips (clang does not read
    /// its expression; mqgen's reader of the `#if` structure crashed on it)
    /// changes no member. Outside such a block clang itself crashes.
    @Test func deepConditionInASkippedBlockChangesNothing() throws {
        let deep = "#if 0\n#if " + String(repeating: "!", count: 200_000) + "defined(CONFIG_A)\n#endif\n#endif\n"
        // After the last declaration, so that no member's line moves.
        let last = "\treturn rq + 1;\n}\n"
        let fixture = try FixtureTree([.init(file: "include/linux/blk-mq.h", find: last, replace: last + deep)])
        defer { fixture.remove() }
        let plain = try FixtureTree()
        defer { plain.remove() }
        let deepIR = try runMQGen(["--headers", fixture.include, "--dump-ir"])
        #expect(deepIR.status == 0, "\(deepIR.stderr)")
        #expect(try deepIR.stdout == runMQGen(["--headers", plain.include, "--dump-ir"]).stdout)
    }
}
