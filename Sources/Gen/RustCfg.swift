import BlockIR

extension Condition {
    /// The argument of `#[cfg(...)]`: `CONFIG_BLK_DEBUG_FS`, `not(CONFIG_X)`.
    /// The kernel's Rust sees each Kconfig symbol that is set as a `cfg` of
    /// the same name (`CONFIG_X_MODULE` for `=m`), as `#ifdef` sees it.
    var rustCfg: String {
        switch self {
        case .defined(let symbol): symbol
        case .not(let inner): "not(\(inner.rustCfg))"
        case .all(let terms): "all(\(terms.map(\.rustCfg).joined(separator: ", ")))"
        case .any(let terms): "any(\(terms.map(\.rustCfg).joined(separator: ", ")))"
        }
    }
}
