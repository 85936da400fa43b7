import CClang

/// A C type as clang sees it.
public struct CType {
    let raw: CXType
    let unit: TranslationUnit

    init(_ raw: CXType, in unit: TranslationUnit) {
        self.raw = raw
        self.unit = unit
    }

    public var kind: TypeKind { TypeKind(rawValue: raw.kind.rawValue) }
    public var spelling: String { String(consuming: clang_getTypeSpelling(raw)) }
    public var isConstQualified: Bool { clang_isConstQualifiedType(raw) != 0 }

    public var pointee: CType { CType(clang_getPointeeType(raw), in: unit) }
    /// The type an `Elaborated` type (`struct request`) names.
    public var named: CType { CType(clang_Type_getNamedType(raw), in: unit) }
    public var elementType: CType { CType(clang_getElementType(raw), in: unit) }
    public var arraySize: Int64 { clang_getArraySize(raw) }

    /// The type with every typedef resolved: `unsigned char` for `blk_status_t`.
    public var canonical: CType { CType(clang_getCanonicalType(raw), in: unit) }
    /// `sizeof`, in bytes; negative for an incomplete or dependent type.
    public var sizeInBytes: Int64 { clang_Type_getSizeOf(raw) }
    /// For an integer type, typedefs resolved: whether it is signed. Nil for
    /// any other type.
    public var isSignedInteger: Bool? {
        let kind = canonical.raw.kind.rawValue
        if (CXType_Bool.rawValue...CXType_UInt128.rawValue).contains(kind) { return false }
        if (CXType_Char_S.rawValue...CXType_Int128.rawValue).contains(kind) { return true }
        return nil
    }

    /// The declaration behind a record, enum or typedef type.
    public var declaration: Cursor { Cursor(clang_getTypeDeclaration(raw), in: unit) }

    // MARK: Function types

    public var resultType: CType { CType(clang_getResultType(raw), in: unit) }
    public var argumentTypes: [CType] {
        let count = clang_getNumArgTypes(raw)
        guard count > 0 else { return [] }
        return (0..<UInt32(count)).map { CType(clang_getArgType(raw, $0), in: unit) }
    }
    public var isVariadic: Bool { clang_isFunctionTypeVariadic(raw) != 0 }
}

/// The type kinds a header scan distinguishes.
public struct TypeKind: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let void = TypeKind(rawValue: CXType_Void.rawValue)
    public static let bool = TypeKind(rawValue: CXType_Bool.rawValue)
    public static let pointer = TypeKind(rawValue: CXType_Pointer.rawValue)
    public static let record = TypeKind(rawValue: CXType_Record.rawValue)
    public static let enumeration = TypeKind(rawValue: CXType_Enum.rawValue)
    public static let typedef = TypeKind(rawValue: CXType_Typedef.rawValue)
    public static let elaborated = TypeKind(rawValue: CXType_Elaborated.rawValue)
    public static let functionProto = TypeKind(rawValue: CXType_FunctionProto.rawValue)
    public static let functionNoProto = TypeKind(rawValue: CXType_FunctionNoProto.rawValue)
    public static let constantArray = TypeKind(rawValue: CXType_ConstantArray.rawValue)
    public static let incompleteArray = TypeKind(rawValue: CXType_IncompleteArray.rawValue)
}
