import BlockIR
import Clang

/// Reduces libclang types to IR types, keeping typedef names as written.
enum TypeReducer {
    /// Deeper than any kernel type (a pointer to a pointer to a function
    /// taking one is four); a header that nests further would overflow
    /// the stack here and the JSON encoder's depth limit later, so below
    /// this the type is cut off and `HeaderScan` refuses it, naming it.
    static let depthLimit = 32
    static let tooDeep = BlockIR.CType.builtin(name: "<nested deeper than \(depthLimit)>")

    static func reduce(_ type: Clang.CType, depth: Int = 0) -> BlockIR.CType {
        guard depth < depthLimit else { return tooDeep }
        let reduce = { (inner: Clang.CType) in Self.reduce(inner, depth: depth + 1) }
        switch type.kind {
        case .void: return .void
        case .bool: return .bool
        case .elaborated: return reduce(type.named)
        case .typedef: return .typedef(name: type.declaration.spelling)
        case .record:
            let declaration = type.declaration
            return declaration.kind == .unionDecl ? .union(name: declaration.spelling) : .record(name: declaration.spelling)
        case .enumeration: return .enumeration(name: type.declaration.spelling)
        case .pointer:
            let pointee = type.pointee
            return .pointer(to: reduce(pointee), const: pointee.isConstQualified)
        case .constantArray: return .array(of: reduce(type.elementType), count: Int(type.arraySize))
        case .incompleteArray: return .array(of: reduce(type.elementType), count: nil)
        case .functionProto, .functionNoProto: return .function(signature: function(type, names: [], depth: depth + 1))
        default: return .builtin(name: unqualified(type.spelling))
        }
    }

    /// A function type, with parameter names taken from `names` where given.
    static func function(_ type: Clang.CType, names: [String], depth: Int = 0) -> FunctionType {
        let parameters = type.argumentTypes.enumerated().map { index, argument in
            let name = index < names.count && !names[index].isEmpty ? names[index] : nil
            return Parameter(name: name, type: reduce(argument, depth: depth + 1))
        }
        return FunctionType(result: reduce(type.resultType, depth: depth + 1), parameters: parameters, isVariadic: type.isVariadic)
    }

    private static func unqualified(_ spelling: String) -> String {
        spelling.split(separator: " ").filter { $0 != "const" && $0 != "volatile" }.joined(separator: " ")
    }
}

extension BlockIR.CType {
    /// Whether `part` occurs anywhere in the type.
    func contains(_ part: BlockIR.CType) -> Bool {
        if self == part { return true }
        switch self {
        case .pointer(let pointee, _): return pointee.contains(part)
        case .array(let element, _): return element.contains(part)
        case .function(let signature): return signature.result.contains(part) || signature.parameters.contains { $0.type.contains(part) }
        default: return false
        }
    }
}
