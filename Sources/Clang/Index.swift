import CClang

/// An index: the libclang context that owns translation units.
///
/// Diagnostics are never printed by libclang itself; callers read them from
/// `TranslationUnit.diagnostics` and decide how to report them.
public final class Index {
    let raw: CXIndex

    public init() {
        raw = clang_createIndex(0, 0)
    }

    deinit {
        clang_disposeIndex(raw)
    }
}
