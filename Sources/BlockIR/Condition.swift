/// A preprocessor condition on a struct member, in the terms Rust's `cfg`
/// understands: Kconfig symbols combined with not / all / any.
public indirect enum Condition: Codable, Hashable, Sendable {
    /// The Kconfig symbol is set (`#ifdef CONFIG_X`).
    case defined(symbol: String)
    case not(term: Condition)
    case all(terms: [Condition])
    case any(terms: [Condition])

    /// The argument of `#[cfg(...)]`: `CONFIG_BLK_DEBUG_FS`, `not(CONFIG_X)`.
    public var rustCfg: String {
        switch self {
        case .defined(let symbol): symbol
        case .not(let inner): "not(\(inner.rustCfg))"
        case .all(let terms): "all(\(terms.map(\.rustCfg).joined(separator: ", ")))"
        case .any(let terms): "any(\(terms.map(\.rustCfg).joined(separator: ", ")))"
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
