import CClang

/// One compiler diagnostic, copied out of libclang.
public struct Diagnostic: Sendable, CustomStringConvertible {
    public enum Severity: Int, Sendable, Comparable {
        case ignored, note, warning, error, fatal

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let severity: Severity
    public let message: String
    public let path: String
    public let line: Int
    public let column: Int

    init(_ raw: CXDiagnostic) {
        severity = Severity(rawValue: Int(clang_getDiagnosticSeverity(raw).rawValue)) ?? .error
        message = String(consuming: clang_getDiagnosticSpelling(raw))
        let location = SourceLocation(clang_getDiagnosticLocation(raw))
        path = location.path
        line = location.line
        column = location.column
    }

    /// `file:line:col`, the form compilers print.
    public var location: String { "\(path):\(line):\(column)" }

    /// `file:line:col: message`.
    public var description: String { "\(location): \(message)" }
}
