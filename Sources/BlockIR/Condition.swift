/// A preprocessor condition on a struct member: Kconfig symbols combined
/// with not / all / any, the terms both C's `#if` and Rust's `cfg` have.
public indirect enum Condition: Codable, Hashable, Sendable {
    /// The Kconfig symbol is set (`#ifdef CONFIG_X`).
    case defined(symbol: String)
    case not(term: Condition)
    case all(terms: [Condition])
    case any(terms: [Condition])

    /// The condition as C's preprocessor writes it, for messages:
    /// `defined(CONFIG_X) && !defined(CONFIG_Y)`.
    public var cSpelling: String {
        switch self {
        case .defined(let symbol): "defined(\(symbol))"
        case .not(let inner): "!\(inner.cOperand)"
        case .all(let terms): terms.map(\.cOperand).joined(separator: " && ")
        case .any(let terms): terms.map(\.cOperand).joined(separator: " || ")
        }
    }

    /// Parenthesized where it combines terms.
    private var cOperand: String {
        switch self {
        case .defined, .not: cSpelling
        case .all, .any: "(\(cSpelling))"
        }
    }

    /// The conjunction of nested conditions, flattened: nil when there are none.
    public static func conjunction(_ terms: [Condition]) -> Condition? {
        switch terms.count {
        case 0: nil
        case 1: terms[0]
        default: .all(terms: terms)
        }
    }
}
