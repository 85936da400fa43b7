/// A C type, reduced to what code generation needs.
///
/// Typedef names are kept (not resolved to their canonical type) because the
/// generated code names them exactly as the header does: `blk_status_t`, not
/// `unsigned char`.
public indirect enum CType: Codable, Hashable, Sendable {
    case void
    /// `_Bool`.
    case bool
    /// A built-in arithmetic type, spelled as C spells it: `unsigned int`.
    case builtin(name: String)
    case typedef(name: String)
    /// `struct name`; `name` is empty for an anonymous struct.
    case record(name: String)
    case union(name: String)
    case enumeration(name: String)
    /// A pointer; `const` qualifies the pointee.
    case pointer(to: CType, const: Bool)
    /// An array; `count` is nil for `[]`.
    case array(of: CType, count: Int?)
    case function(signature: FunctionType)

    /// The function type behind a function pointer, if this is one.
    public var functionPointee: FunctionType? {
        if case .pointer(.function(let type), _) = self { return type }
        return nil
    }
}

/// A function's type: result, parameters, variadic or not.
public struct FunctionType: Codable, Hashable, Sendable {
    public var result: CType
    public var parameters: [Parameter]
    public var isVariadic: Bool

    public init(result: CType, parameters: [Parameter], isVariadic: Bool = false) {
        self.result = result
        self.parameters = parameters
        self.isVariadic = isVariadic
    }
}

/// A parameter of a function or function pointer; `name` is nil where the
/// header leaves it unnamed.
public struct Parameter: Codable, Hashable, Sendable {
    public var name: String?
    public var type: CType

    public init(name: String?, type: CType) {
        self.name = name
        self.type = type
    }
}
