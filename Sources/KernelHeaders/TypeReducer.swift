import BlockIR
import Clang

/// Reduces libclang types to IR types, keeping typedef names as written.
enum TypeReducer {
    static func reduce(_ type: Clang.CType) -> BlockIR.CType {
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
        case .functionProto, .functionNoProto: return .function(signature: function(type, names: []))
        default: return .builtin(name: unqualified(type.spelling))
        }
    }

    /// A function type, with parameter names taken from `names` where given.
    static func function(_ type: Clang.CType, names: [String]) -> FunctionType {
        let parameters = type.argumentTypes.enumerated().map { index, argument in
            let name = index < names.count && !names[index].isEmpty ? names[index] : nil
            return Parameter(name: name, type: reduce(argument))
        }
        return FunctionType(result: reduce(type.resultType), parameters: parameters, isVariadic: type.isVariadic)
    }

    private static func unqualified(_ spelling: String) -> String {
        spelling.split(separator: " ").filter { $0 != "const" && $0 != "volatile" }.joined(separator: " ")
    }
}
