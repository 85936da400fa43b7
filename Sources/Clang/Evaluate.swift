import CClang

extension Cursor {
    /// Clang's own value of this declaration's integer constant initializer
    /// (`static const long long x = 1 << 3;`), from the compiler's constant
    /// evaluator; nil when clang cannot fold it to an integer. The bit
    /// pattern, so that an unsigned 64-bit result compares with a signed one.
    public var evaluatedInteger: UInt64? {
        guard let result = clang_Cursor_Evaluate(raw) else { return nil }
        defer { clang_EvalResult_dispose(result) }
        guard clang_EvalResult_getKind(result) == CXEval_Int else { return nil }
        if clang_EvalResult_isUnsignedInt(result) != 0 { return clang_EvalResult_getAsUnsigned(result) }
        return UInt64(bitPattern: clang_EvalResult_getAsLongLong(result))
    }
}

extension CursorKind {
    public static let varDecl = CursorKind(rawValue: CXCursor_VarDecl.rawValue)
}
