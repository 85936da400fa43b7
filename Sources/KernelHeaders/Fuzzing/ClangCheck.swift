import Clang

/// A second evaluation of integer expressions, by clang: each becomes the
/// initializer of a `static const long long`, and `clang_Cursor_Evaluate`
/// folds it with the compiler's own constant evaluator.
struct ClangCheck {
    let index: Index
    let path: String

    struct Expression {
        var text: String
        var expected: Int64
        var body: String
    }

    /// Operators and punctuation of the subset both evaluators read alike.
    private static let operators: Set = ["|", "^", "&", "<<", ">>", "+", "-", "*", "/", "%", "~", "!", "(", ")"]

    /// `body` as C in which every operand is a `long long`, so that C's
    /// arithmetic is the evaluator's 64-bit arithmetic; nil when the body has
    /// a cast or another token outside that subset (a literal's C type, or a
    /// cast's, would make C compute in another width).
    static func plainC(_ body: [String], known: [String: Int64]) -> String? {
        var words: [String] = []
        for token in body {
            if operators.contains(token) {
                words.append(token)
            } else if MacroEvaluator.literal(token) != nil {
                words.append("((long long)\(token))")
            } else if let value = known[token] {
                words.append("((long long)0x\(String(UInt64(bitPattern: value), radix: 16))ULL)")
            } else {
                return nil
            }
        }
        return words.joined(separator: " ")
    }

    /// The expressions whose value clang folds to something else; one that
    /// clang does not fold (an overflow it calls undefined) is not compared.
    func disagreements(_ expressions: [Expression]) -> [String] {
        guard !expressions.isEmpty else { return [] }
        let source = expressions.enumerated().map { "static const long long mqgen_check_\($0) = (\($1.text));" }
        guard let values = evaluate(source.joined(separator: "\n") + "\n") else { return [] }
        return expressions.enumerated().compactMap { number, expression in
            guard let clang = values["mqgen_check_\(number)"], clang != UInt64(bitPattern: expression.expected) else { return nil }
            return "'\(expression.body)': the evaluator says \(expression.expected), clang \(Int64(bitPattern: clang))"
        }
    }

    /// The folded value of every variable of `source`, by name.
    private func evaluate(_ source: String) -> [String: UInt64]? {
        guard let unit = try? TranslationUnit(index: index, mainFile: path, arguments: ["-nostdinc", "-w"],
                                              unsavedFiles: [UnsavedFile(path: path, contents: source)]) else { return nil }
        var values: [String: UInt64] = [:]
        for cursor in unit.cursor.children where cursor.kind == .varDecl {
            values[cursor.spelling] = cursor.evaluatedInteger
        }
        return values
    }
}
