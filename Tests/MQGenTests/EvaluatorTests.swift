@testable import KernelHeaders
import Testing

@Suite struct EvaluatorTests {
    @Test(arguments: [
        ("0", 0), ("((__force blk_status_t)1)", 1), ("((__force blk_features_t)(1u << 2))", 4),
        ("0x1f", 31), ("010", 8), ("1ULL << 40", 1 << 40), ("(1 << 3) | 1", 9), ("-1", -1), ("~0 & 0xff", 255),
        ("2 + 3 * 4", 14), ("KNOWN + 1", 8),
    ] as [(String, Int64)])
    func evaluates(body: String, value: Int64) {
        #expect(MacroEvaluator.evaluate(Self.tokens(body), known: ["KNOWN": 7], types: Self.types) == value)
    }

    /// The kernel's typedefs, as `include/linux/types.h` and the block headers declare them.
    static let types = [
        "u8": IntegerType(bits: 8, isSigned: false), "s8": IntegerType(bits: 8, isSigned: true),
        "blk_status_t": IntegerType(bits: 8, isSigned: false), "blk_features_t": IntegerType(bits: 32, isSigned: false),
    ]

    /// C's conversions: to the cast's width, wrapping a signed type; `char` is unsigned in the kernel.
    @Test(arguments: [
        ("((__force blk_status_t)300)", 44), ("(u8)-1", 255), ("(s8)200", -56), ("(unsigned int)-1", 4_294_967_295),
        ("(char)-1", 255), ("(signed char)-1", -1), ("(short)65535", -1), ("(unsigned long)-1", -1), ("(u8)300 + 1", 45),
    ] as [(String, Int64)])
    func castsConvert(body: String, value: Int64) {
        #expect(MacroEvaluator.evaluate(Self.tokens(body), known: [:], types: Self.types) == value)
    }

    @Test(arguments: ["", "\"text\"", "foo(1)", "UNKNOWN", "1 +", "(int)", "((__force unknown_t)1)"])
    func rejects(body: String) {
        #expect(MacroEvaluator.evaluate(Self.tokens(body), known: [:]) == nil)
    }

    @Test func conditionExpressions() {
        var parser = ConditionExpression(tokens: ["defined", "(", "CONFIG_A", ")", "||", "!", "IS_ENABLED", "(", "CONFIG_B", ")"])
        #expect(parser.parse()?.cSpelling == "defined(CONFIG_A) || !(defined(CONFIG_B) || defined(CONFIG_B_MODULE))")
        var arithmetic = ConditionExpression(tokens: ["BITS_PER_LONG", "==", "32"])
        #expect(arithmetic.parse() == nil)
    }

    /// A tiny lexer for test input: identifiers, numbers, and one-or-two-character operators.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        let chars = Array(text)
        var index = 0
        func flush() { if !current.isEmpty { tokens.append(current); current = "" } }
        while index < chars.count {
            let c = chars[index]
            if c.isLetter || c.isNumber || c == "_" { current.append(c) } else {
                flush()
                if c == "\"" {
                    let end = chars[(index + 1)...].firstIndex(of: "\"") ?? chars.count - 1
                    tokens.append(String(chars[index...end])); index = end
                } else if !c.isWhitespace {
                    let pair = index + 1 < chars.count ? String([c, chars[index + 1]]) : ""
                    if ["<<", ">>"].contains(pair) { tokens.append(pair); index += 1 } else { tokens.append(String(c)) }
                }
            }
            index += 1
        }
        flush()
        return tokens
    }
}
