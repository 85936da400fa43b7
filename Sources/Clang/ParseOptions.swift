import CClang

/// Flags for `clang_parseTranslationUnit2`.
public struct ParseOptions: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Do not parse function bodies: declarations are all a header scan needs.
    public static let skipFunctionBodies = ParseOptions(rawValue: CXTranslationUnit_SkipFunctionBodies.rawValue)
}

/// A file that exists only in memory during a parse.
public struct UnsavedFile: Sendable {
    public var path: String
    public var contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// A parse that libclang refused to start or finish.
public struct ClangError: Error, CustomStringConvertible, Sendable {
    public let code: UInt32
    public let file: String

    public var description: String {
        let reason = switch code {
        case CXError_Crashed.rawValue: "libclang crashed"
        case CXError_InvalidArguments.rawValue: "invalid arguments"
        case CXError_ASTReadError.rawValue: "AST read error"
        default: "libclang failure"
        }
        return "\(reason) (CXErrorCode \(code)) while parsing \(file)"
    }
}
