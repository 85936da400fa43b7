import CClang

/// A node of the AST (a declaration, a macro definition, ...).
public struct Cursor {
    let raw: CXCursor
    let unit: TranslationUnit

    init(_ raw: CXCursor, in unit: TranslationUnit) {
        self.raw = raw
        self.unit = unit
    }

    public var kind: CursorKind { CursorKind(rawValue: clang_getCursorKind(raw).rawValue) }
    public var spelling: String { String(consuming: clang_getCursorSpelling(raw)) }
    public var location: SourceLocation { SourceLocation(clang_getCursorLocation(raw)) }
    public var extent: SourceRange { SourceRange(clang_getCursorExtent(raw), in: unit) }
    public var type: CType { CType(clang_getCursorType(raw), in: unit) }
    public var isDefinition: Bool { clang_isCursorDefinition(raw) != 0 }

    /// The direct children, in source order.
    public var children: [Cursor] {
        var collected: [CXCursor] = []
        withUnsafeMutablePointer(to: &collected) { sink in
            _ = clang_visitChildren(raw, { child, _, data in
                data!.assumingMemoryBound(to: [CXCursor].self).pointee.append(child)
                return CXChildVisit_Continue
            }, sink)
        }
        return collected.map { Cursor($0, in: unit) }
    }

    // MARK: Functions

    /// The parameters of a function declaration.
    public var arguments: [Cursor] {
        let count = clang_Cursor_getNumArguments(raw)
        guard count > 0 else { return [] }
        return (0..<UInt32(count)).map { Cursor(clang_Cursor_getArgument(raw, $0), in: unit) }
    }

    public var resultType: CType { CType(clang_getCursorResultType(raw), in: unit) }
    public var isStatic: Bool { clang_Cursor_getStorageClass(raw) == CX_SC_Static }
    public var isInlined: Bool { clang_Cursor_isFunctionInlined(raw) != 0 }

    // MARK: Struct members

    /// A member declared with a width: `unsigned int flag:1`.
    public var isBitField: Bool { clang_Cursor_isBitField(raw) != 0 }
    /// A `struct { ... };` or `union { ... };` whose members belong to the
    /// enclosing struct.
    public var isAnonymousRecordDecl: Bool { clang_Cursor_isAnonymousRecordDecl(raw) != 0 }

    // MARK: Typedefs, enums

    public var typedefUnderlyingType: CType { CType(clang_getTypedefDeclUnderlyingType(raw), in: unit) }
    public var enumConstantValue: Int64 { clang_getEnumConstantDeclValue(raw) }

    /// The raw tokens that spell this cursor.
    public var tokens: [Token] { unit.tokens(in: extent) }
}

/// The cursor kinds a header scan distinguishes.
public struct CursorKind: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let structDecl = CursorKind(rawValue: CXCursor_StructDecl.rawValue)
    public static let unionDecl = CursorKind(rawValue: CXCursor_UnionDecl.rawValue)
    public static let enumDecl = CursorKind(rawValue: CXCursor_EnumDecl.rawValue)
    public static let enumConstantDecl = CursorKind(rawValue: CXCursor_EnumConstantDecl.rawValue)
    public static let fieldDecl = CursorKind(rawValue: CXCursor_FieldDecl.rawValue)
    public static let functionDecl = CursorKind(rawValue: CXCursor_FunctionDecl.rawValue)
    public static let parmDecl = CursorKind(rawValue: CXCursor_ParmDecl.rawValue)
    public static let typedefDecl = CursorKind(rawValue: CXCursor_TypedefDecl.rawValue)
}
