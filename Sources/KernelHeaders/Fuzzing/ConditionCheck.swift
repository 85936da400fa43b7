import BlockIR
import Clang

/// A second reading of `#if` conditions over Kconfig symbols, by clang's
/// preprocessor with the kernel's `IS_ENABLED()` macros: under each choice
/// of the symbols a condition names, a marker declaration inside the `#if`
/// exists exactly when `Condition.holds(given:)` says the branch is kept.
struct ConditionCheck {
    let index: Index
    let path: String
    let fixtureKernel: String
    let scratch: String

    /// Bounds the check's parse: conditions and symbol choices per input.
    static let maximumConditions = 16
    static let maximumSymbols = 4

    private struct Case {
        var directive: String
        var condition: Condition
        var defined: Set<String>
    }

    func disagreements(_ directives: [ConditionalBlocks.Directive]) -> [String] {
        let cases = directives.filter { $0.name == "if" }.prefix(Self.maximumConditions).flatMap { directive in
            var parser = ConditionExpression(tokens: directive.arguments.map(\.spelling))
            guard let condition = parser.parse() else { return [Case]() }
            return Self.choices(of: condition.symbols).map {
                Case(directive: directive.arguments.map(\.spelling).joined(separator: " "), condition: condition, defined: $0)
            }
        }
        guard !cases.isEmpty, let kept = keptMarkers(cases.map { ($0.directive, $0.defined) }) else { return [] }
        return cases.enumerated().compactMap { number, test in
            let holds = test.condition.holds(given: test.defined)
            guard holds != kept.contains("mqgen_kept_\(number)") else { return nil }
            return "#if \(test.directive) with \(test.defined.sorted()) defined: mqgen says \(holds ? "kept" : "skipped"), clang the opposite"
        }
    }

    /// Every subset of the first few symbols (the rest left undefined).
    private static func choices(of symbols: [String]) -> [Set<String>] {
        let named = Array(symbols.prefix(maximumSymbols))
        return (0..<(1 << named.count)).map { mask in
            Set(named.indices.filter { mask & (1 << $0) != 0 }.map { named[$0] })
        }
    }

    /// Whether clang's preprocessor keeps the lines under `#if condition`
    /// when exactly the symbols `defined` are set; nil if clang rejects it.
    func keeps(_ condition: String, defining defined: Set<String>) -> Bool? {
        keptMarkers([(condition, defined)]).map { $0.contains("mqgen_kept_0") }
    }

    /// The names of the markers clang's preprocessor kept, one per case.
    private func keptMarkers(_ cases: [(condition: String, defined: Set<String>)]) -> Set<String>? {
        let source = cases.enumerated().map { number, test in
            let symbols = test.defined.sorted()
            return (symbols.map { "#define \($0) 1" } + ["#if \(test.condition)", "int mqgen_kept_\(number);", "#endif"]
                + symbols.map { "#undef \($0)" }).joined(separator: "\n")
        }.joined(separator: "\n") + "\n"
        // kconfig.h includes <generated/autoconf.h>: an empty one, so that no
        // symbol is set but the ones each case defines.
        Scratch.makeDirectories(["\(scratch)/kconfig/generated"])
        Scratch.write([], to: "\(scratch)/kconfig/generated/autoconf.h")
        let arguments = ["-nostdinc", "-w", "-I\(scratch)/kconfig", "-include", "\(fixtureKernel)/include/linux/kconfig.h"]
        guard let unit = try? TranslationUnit(index: index, mainFile: path, arguments: arguments,
                                              unsavedFiles: [UnsavedFile(path: path, contents: source)]),
              !unit.diagnostics.contains(where: { $0.severity >= .error }) else { return nil }
        return Set(unit.cursor.children.filter { $0.kind == .varDecl }.map(\.spelling))
    }
}

extension Condition {
    /// The symbols the condition names, in order of first mention.
    var symbols: [String] {
        var seen: [String] = []
        func visit(_ condition: Condition) {
            switch condition {
            case .defined(let symbol): if !seen.contains(symbol) { seen.append(symbol) }
            case .not(let term): visit(term)
            case .all(let terms), .any(let terms): terms.forEach(visit)
            }
        }
        visit(self)
        return seen
    }
}
