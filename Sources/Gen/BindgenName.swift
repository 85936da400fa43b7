/// The name bindgen gives a C identifier in Rust, so that generated code
/// names the struct field bindgen generated: a Rust keyword, a reserved
/// word or a primitive type's name gets a trailing `_` (`type` -> `type_`),
/// and the characters a C compiler allows but Rust does not (`$`, and `@`
/// and `?` from other front ends) become `_` first. This is bindgen's
/// `rust_mangle` (`ir/context.rs`); `MemberNamingTests` checks the list
/// against the bindgen this project builds kernels with.
enum BindgenName {
    /// The Rust name, or nil for a word whose Rust name depends on the
    /// bindgen that builds the kernel (see `versionDependent`).
    static func of(_ name: String) -> String? {
        if versionDependent[name] != nil { return nil }
        let special: Set<Character> = ["@", "?", "$"]
        guard reserved.contains(name) || name.contains(where: special.contains) else { return name }
        return String(name.map { special.contains($0) ? "_" : $0 }) + "_"
    }

    static let reserved: Set<String> = [
        "abstract", "alignof", "as", "async", "become", "box", "break", "const", "continue",
        "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl",
        "in", "let", "loop", "macro", "match", "mod", "move", "mut", "offsetof", "override", "priv",
        "proc", "pub", "pure", "ref", "return", "Self", "self", "sizeof", "static", "struct", "super",
        "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where",
        "while", "yield", "str", "bool", "f32", "f64", "usize", "isize", "u128", "i128", "u64", "i64",
        "u32", "i32", "u16", "i16", "u8", "i8", "_",
    ]

    /// Words bindgen began to rename in a later release: the field is
    /// `await` with one bindgen and `await_` with another, and a header
    /// does not say which bindgen builds the kernel.
    static let versionDependent: [String: String] = ["await": "0.61", "gen": "0.72"]
}
