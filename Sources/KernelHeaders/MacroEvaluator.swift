/// Evaluates the body of an object-like `#define` as an integer constant
/// expression, the way bindgen's cexpr does: literals, casts such as
/// `(__force blk_status_t)`, unary and binary integer operators, parentheses,
/// and names of constants already known. A cast converts as C does, to the
/// width of the type it names (`types`: the typedefs of the tree).
///
/// A body it cannot evaluate (a string, a function call, an unknown name, a
/// cast to a type that is not a known integer type) yields nil: such a macro
/// is not an integer constant mqgen can know the value of.
struct MacroEvaluator {
    private let tokens: [String]
    private let known: [String: Int64]
    private let types: [String: IntegerType]
    private var position = 0
    private var depth = 0

    /// The deepest nesting of operands read: a C compiler rejects deeper
    /// (clang's `-fbracket-depth` is 256), and this reader, recursive, would
    /// run out of stack on a body nested some thousands deep.
    static let maximumDepth = 256

    static func evaluate(_ body: [String], known: [String: Int64], types: [String: IntegerType] = [:]) -> Int64? {
        var evaluator = MacroEvaluator(tokens: body, known: known, types: types)
        guard !body.isEmpty, let value = evaluator.expression(0), evaluator.position == body.count else {
            return nil
        }
        return value
    }

    private init(tokens: [String], known: [String: Int64], types: [String: IntegerType]) {
        self.tokens = tokens
        self.known = known
        self.types = types
    }

    private var next: String? { position < tokens.count ? tokens[position] : nil }

    /// Binary operators by C precedence, lowest first.
    private static let precedence: [String: Int] = [
        "|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6,
    ]

    private mutating func expression(_ minimum: Int) -> Int64? {
        guard var lhs = unary() else { return nil }
        while let op = next, let level = Self.precedence[op], level > minimum {
            position += 1
            guard let rhs = expression(level) else { return nil }
            guard let value = Self.apply(op, lhs, rhs) else { return nil }
            lhs = value
        }
        return lhs
    }

    private static func apply(_ op: String, _ lhs: Int64, _ rhs: Int64) -> Int64? {
        switch op {
        case "|": lhs | rhs
        case "^": lhs ^ rhs
        case "&": lhs & rhs
        case "<<": rhs >= 0 && rhs < 64 ? lhs << rhs : nil
        case ">>": rhs >= 0 && rhs < 64 ? lhs >> rhs : nil
        case "+": lhs &+ rhs
        case "-": lhs &- rhs
        case "*": lhs &* rhs
        // A zero divisor, and INT64_MIN / -1 (whose quotient C leaves
        // undefined, and Swift traps on), give no value.
        case "/": checked(lhs.dividedReportingOverflow(by: rhs))
        case "%": checked(lhs.remainderReportingOverflow(dividingBy: rhs))
        default: nil
        }
    }

    private static func checked(_ result: (partialValue: Int64, overflow: Bool)) -> Int64? {
        result.overflow ? nil : result.partialValue
    }

    private mutating func unary() -> Int64? {
        guard depth < Self.maximumDepth, let token = next else { return nil }
        depth += 1
        defer { depth -= 1 }
        switch token {
        case "-": position += 1; return unary().map { 0 &- $0 }
        case "+": position += 1; return unary()
        case "~": position += 1; return unary().map { ~$0 }
        case "!": position += 1; return unary().map { $0 == 0 ? 1 : 0 }
        case "(":
            if let words = skipCast() {
                guard let type = integerType(words) else { return nil }
                return unary().map(type.convert)
            }
            position += 1
            guard let inner = expression(0), next == ")" else { return nil }
            position += 1
            return inner
        default:
            position += 1
            return Self.literal(token) ?? known[token]
        }
    }

    /// Skips `( type-name )` when what follows the parenthesis is an operand:
    /// `(__force blk_status_t)1`, `(unsigned int)(1 << 2)`; returns its words.
    private mutating func skipCast() -> [String]? {
        var end = position + 1
        while end < tokens.count, Self.isTypeWord(tokens[end]), known[tokens[end]] == nil { end += 1 }
        guard end > position + 1, end + 1 < tokens.count, tokens[end] == ")" else { return nil }
        let following = tokens[end + 1]
        guard following == "(" || following == "~" || following == "-" || Self.literal(following) != nil
                || known[following] != nil else { return nil }
        let words = Array(tokens[(position + 1)..<end])
        position = end + 1
        return words
    }

    /// The integer type a cast names, less sparse's `__force` and qualifiers.
    private func integerType(_ words: [String]) -> IntegerType? {
        let type = words.filter { !["__force", "const", "volatile"].contains($0) }
        if type.count == 1, let typedef = types[type[0]] { return typedef }
        return IntegerType(keywords: type)
    }

    private static func isTypeWord(_ token: String) -> Bool {
        guard let first = token.unicodeScalars.first else { return false }
        return (first == "_" || first.properties.isAlphabetic)
            && token.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }

    /// A C integer literal with optional `u`/`l` suffixes: `12`, `0x1f`, `010`, `1u`, `1ULL`.
    static func literal(_ token: String) -> Int64? {
        var digits = Substring(token)
        while let last = digits.last, "uUlL".contains(last) { digits = digits.dropLast() }
        guard let first = digits.first, first.isNumber else { return nil }
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            return UInt64(digits.dropFirst(2), radix: 16).map { Int64(bitPattern: $0) }
        }
        if digits.count > 1, first == "0" { return Int64(digits.dropFirst(), radix: 8) }
        return Int64(digits)
    }
}
