import BlockIR
import Clang

/// The `#if` structure inside a range of raw tokens (a struct body), and the
/// condition each line of it is under.
///
/// libclang's AST keeps the members that survived preprocessing but not the
/// conditions around them; the raw token stream still has the directives
/// (`#`, `ifdef`, `CONFIG_X`), so they are recovered from it.
struct ConditionalBlocks {
    /// One branch of a conditional: the lines it covers and its own condition
    /// (not including the conditions of enclosing blocks); nil where the
    /// condition is not about Kconfig symbols and the reader is tolerant.
    struct Branch {
        var condition: Condition?
        var lines: ClosedRange<Int>
        /// `file:line` of the directive that opens the branch.
        var directive: String
        /// That directive as written: `#ifdef CONFIG_X`, `#else`.
        var directiveText: String
    }

    private(set) var branches: [Branch] = []
    /// The lines taken by directives, continuations included.
    private(set) var directiveLines = Set<Int>()

    /// Reads the conditionals of `tokens`. A struct body must use Kconfig
    /// conditions only (they become Rust cfgs), so an unsupported one throws;
    /// a whole header is read `tolerant`ly, because include guards and
    /// arithmetic `#if`s are not Kconfig conditions.
    ///
    /// `#elif` is refused in a struct body: the branches after it would need
    /// parses with conflicting symbols forced, which the recovery of hidden
    /// members does not do.
    init(tokens: [Token], source: [UInt8], tolerant: Bool = false) throws(HeaderError) {
        var frames: [Frame] = []
        func read(_ directive: Directive) throws(HeaderError) -> Condition? {
            do { return try Self.condition(of: directive) } catch {
                if tolerant { return nil }
                throw error
            }
        }
        for directive in Self.directives(in: tokens, source: source) {
            let line = directive.hash.location.line
            directiveLines.formUnion(line...(directive.arguments.last?.location.line ?? line))
            switch directive.name {
            case "if", "ifdef", "ifndef":
                let condition = try read(directive)
                frames.append(Frame(current: condition, previous: [], start: line + 1,
                                    opening: directive.hash.location, text: directive.text))
            case "elif", "else":
                if directive.name == "elif", !tolerant {
                    throw .unsupportedElif(location: "\(directive.hash.location.path):\(line)", directive: directive.text)
                }
                guard var frame = frames.popLast() else { continue }
                close(frame, at: line)
                frame.previous.append(frame.current)
                let known = frame.previous.compactMap { $0 }
                let others: Condition? = known.count == frame.previous.count
                    ? Condition.not(term: known.count == 1 ? known[0] : .any(terms: known)) : nil
                if directive.name == "else" {
                    frame.current = others
                } else if let others, let condition = try read(directive) {
                    frame.current = .all(terms: [others, condition])
                } else {
                    frame.current = nil
                }
                frame.start = line + 1
                frame.opening = directive.hash.location
                frame.text = directive.text
                frames.append(frame)
            case "endif":
                guard let frame = frames.popLast() else { continue }
                close(frame, at: line)
            default:
                continue
            }
        }
    }

    /// The conjunction of every branch that contains `line`, outermost first.
    func condition(at line: Int) -> Condition? {
        Condition.conjunction(branches.filter { $0.lines.contains(line) }.compactMap(\.condition))
    }

    /// Whether the preprocessor kept `line`, judged from the Kconfig symbols
    /// that are set; a branch whose condition is unknown counts as kept.
    func isKept(line: Int, kconfig: Set<String>) -> Bool {
        branches.allSatisfy { branch in
            !branch.lines.contains(line) || branch.condition.map { $0.holds(given: kconfig) } ?? true
        }
    }

    private mutating func close(_ frame: Frame, at line: Int) {
        guard line - 1 >= frame.start else { return }
        branches.append(Branch(condition: frame.current, lines: frame.start...(line - 1),
                               directive: "\(frame.opening.path):\(frame.opening.line)", directiveText: frame.text))
        branches.sort { $0.lines.lowerBound < $1.lines.lowerBound }
    }

    private struct Frame {
        var current: Condition?
        var previous: [Condition?]
        var start: Int
        var opening: SourceLocation
        var text: String
    }

    // MARK: Directives

    struct Directive {
        var hash: Token
        var name: String
        var arguments: [Token]

        var text: String { (["#" + name] + arguments.map(\.spelling)).joined(separator: " ") }
    }

    /// Directives are `#` as the first token of a line; their arguments are
    /// the remaining tokens of that line and of the lines it continues onto
    /// with a backslash, which `source` (the file's bytes) shows.
    static func directives(in tokens: [Token], source: [UInt8]) -> [Directive] {
        let tokens = tokens.filter { $0.kind != .comment }
        var result: [Directive] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let startsLine = index == 0 || tokens[index - 1].location.line != token.location.line
            guard startsLine, token.spelling == "#", index + 1 < tokens.count,
                  tokens[index + 1].location.line == token.location.line else {
                index += 1
                continue
            }
            var end = index + 2
            while end < tokens.count,
                  tokens[end].location.line == tokens[end - 1].location.line
                    || continues(from: tokens[end - 1], to: tokens[end], in: source) {
                end += 1
            }
            result.append(Directive(hash: token, name: tokens[index + 1].spelling,
                                    arguments: Array(tokens[(index + 2)..<end])))
            index = end
        }
        return result
    }

    /// Whether only a backslash-newline (and blanks) separates two tokens.
    private static func continues(from previous: Token, to next: Token, in source: [UInt8]) -> Bool {
        let start = previous.location.offset + previous.spelling.utf8.count
        let end = next.location.offset
        guard start <= end, end <= source.count else { return false }
        let gap = source[start..<end]
        guard let backslash = gap.firstIndex(of: UInt8(ascii: "\\")) else { return false }
        return gap[..<backslash].allSatisfy { $0 == 32 || $0 == 9 }
            && gap[(backslash + 1)...].allSatisfy { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }
            && gap.filter { $0 == 10 }.count == 1
    }

    static func condition(of directive: Directive) throws(HeaderError) -> Condition {
        let unsupported = HeaderError.unsupportedCondition(
            location: "\(directive.hash.location.path):\(directive.hash.location.line)", directive: directive.text)
        switch directive.name {
        case "ifdef", "ifndef":
            guard directive.arguments.count == 1, let symbol = kconfigSymbol(directive.arguments[0].spelling) else {
                throw unsupported
            }
            return directive.name == "ifdef" ? .defined(symbol: symbol) : .not(term: .defined(symbol: symbol))
        default:
            var parser = ConditionExpression(tokens: directive.arguments.map(\.spelling))
            guard let condition = parser.parse() else { throw unsupported }
            return condition
        }
    }

    static func kconfigSymbol(_ name: String) -> String? {
        name.hasPrefix("CONFIG_") ? name : nil
    }
}

/// A recursive-descent reader of `#if` expressions over Kconfig symbols:
/// `defined(X)`, `defined X`, `IS_ENABLED(X)`, `IS_BUILTIN(X)`, `IS_MODULE(X)`,
/// `!`, `&&`, `||` and parentheses.
struct ConditionExpression {
    let tokens: [String]
    var position = 0
    private var depth = 0

    /// The deepest nesting of `!` and parentheses read, as in the evaluator
    /// of `#define` bodies: a compiler rejects deeper, and this recursive
    /// reader would run out of stack.
    static let maximumDepth = MacroEvaluator.maximumDepth

    init(tokens: [String]) { self.tokens = tokens }

    mutating func parse() -> Condition? {
        guard let condition = disjunction(), position == tokens.count else { return nil }
        return condition
    }

    private var next: String? { position < tokens.count ? tokens[position] : nil }

    private mutating func take(_ token: String) -> Bool {
        guard next == token else { return false }
        position += 1
        return true
    }

    private mutating func disjunction() -> Condition? {
        guard var terms = conjunction().map({ [$0] }) else { return nil }
        while take("||") {
            guard let term = conjunction() else { return nil }
            terms.append(term)
        }
        return terms.count == 1 ? terms[0] : .any(terms: terms)
    }

    private mutating func conjunction() -> Condition? {
        guard var terms = unary().map({ [$0] }) else { return nil }
        while take("&&") {
            guard let term = unary() else { return nil }
            terms.append(term)
        }
        return terms.count == 1 ? terms[0] : .all(terms: terms)
    }

    private mutating func unary() -> Condition? {
        guard depth < Self.maximumDepth else { return nil }
        depth += 1
        defer { depth -= 1 }
        if take("!") { return unary().map { Condition.not(term: $0) } }
        if take("(") {
            guard let inner = disjunction(), take(")") else { return nil }
            return inner
        }
        guard let name = next else { return nil }
        position += 1
        switch name {
        case "defined":
            let parenthesized = take("(")
            guard let symbol = symbol(), !parenthesized || take(")") else { return nil }
            return .defined(symbol: symbol)
        case "IS_ENABLED", "IS_BUILTIN", "IS_MODULE", "IS_REACHABLE":
            guard take("("), let symbol = symbol(), take(")") else { return nil }
            switch name {
            case "IS_BUILTIN": return .defined(symbol: symbol)
            case "IS_MODULE": return .defined(symbol: symbol + "_MODULE")
            default: return .any(terms: [.defined(symbol: symbol), .defined(symbol: symbol + "_MODULE")])
            }
        default:
            return nil
        }
    }

    private mutating func symbol() -> String? {
        guard let name = next, let symbol = ConditionalBlocks.kconfigSymbol(name) else { return nil }
        position += 1
        return symbol
    }
}

extension Condition {
    /// The value of the condition when exactly the symbols in `set` are defined.
    func holds(given set: Set<String>) -> Bool {
        switch self {
        case .defined(let symbol): set.contains(symbol)
        case .not(let term): !term.holds(given: set)
        case .all(let terms): terms.allSatisfy { $0.holds(given: set) }
        case .any(let terms): terms.contains { $0.holds(given: set) }
        }
    }
}
