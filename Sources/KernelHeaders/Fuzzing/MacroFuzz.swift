import Clang

/// `#define` lines through `MacroEvaluator`, each body with the values of
/// the ones before it known, as `ConstantReader` chains a header's defines.
///
/// Beyond not trapping, two invariants: wrapping a body in `( )` or in
/// `-(-( ))` does not change its value, and a body of plain C (literals,
/// known names, operators; no casts) has the value clang's constant
/// evaluator gives it in 64-bit arithmetic, which is cexpr's.
struct MacroFuzz {
    let scratch: String
    let index = Index()

    /// The kernel typedefs a cast may name, as `include/linux/types.h` and
    /// the block headers declare them.
    static let types: [String: IntegerType] = [
        "u8": .init(bits: 8, isSigned: false), "s8": .init(bits: 8, isSigned: true),
        "u16": .init(bits: 16, isSigned: false), "s16": .init(bits: 16, isSigned: true),
        "u32": .init(bits: 32, isSigned: false), "s32": .init(bits: 32, isSigned: true),
        "u64": .init(bits: 64, isSigned: false), "s64": .init(bits: 64, isSigned: true),
        "blk_status_t": .init(bits: 8, isSigned: false), "blk_opf_t": .init(bits: 32, isSigned: false),
        "blk_features_t": .init(bits: 32, isSigned: false), "blk_flags_t": .init(bits: 32, isSigned: false),
    ]

    func run(_ input: [UInt8]) -> [String] {
        var known: [String: Int64] = [:]
        var problems: [String] = []
        var checks: [ClangCheck.Expression] = []
        for define in defines(input) {
            guard let value = MacroEvaluator.evaluate(define.body, known: known, types: Self.types) else { continue }
            problems += Self.wrappingProblems(define.body, value: value, known: known)
            if let expression = ClangCheck.plainC(define.body, known: known) {
                checks.append(.init(text: expression, expected: value, body: define.body.joined(separator: " ")))
            }
            known[define.name] = value
        }
        return problems + ClangCheck(index: index, path: "\(scratch)/check.c").disagreements(checks)
    }

    /// The name and body tokens of every `#define`, lexed by clang.
    private func defines(_ input: [UInt8]) -> [(name: String, body: [String])] {
        let path = "\(scratch)/defines.h"
        Scratch.write(input, to: path)
        guard let unit = try? TranslationUnit(index: index, mainFile: path, arguments: ["-nostdinc", "-w"]),
              let file = unit.file(path) else { return [] }
        return ConditionalBlocks.directives(in: unit.tokens(of: file), source: unit.contents(of: file)).compactMap { directive in
            guard directive.name == "define", let name = directive.arguments.first else { return nil }
            return (name.spelling, directive.arguments.dropFirst().map(\.spelling))
        }
    }

    static func wrappingProblems(_ body: [String], value: Int64, known: [String: Int64]) -> [String] {
        let wrapped = [["("] + body + [")"], ["-", "(", "-", "("] + body + [")", ")"]]
        return wrapped.compactMap { tokens in
            let other = MacroEvaluator.evaluate(tokens, known: known, types: types)
            guard other != value else { return nil }
            return "'\(body.joined(separator: " "))' is \(value) but '\(tokens.joined(separator: " "))' is \(other.map(String.init) ?? "nil")"
        }
    }
}
