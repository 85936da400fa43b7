/// Why the IR could not be rendered. Each reads as
/// one complete `mqgen: error:` line.
public enum GenError: Error, Equatable, CustomStringConvertible {
    case callbackSignature(record: String, field: String, header: String, line: Int, expected: String, found: String)
    case callbackDiffersByConfig(record: String, field: String, header: String, line: Int, otherLine: Int)
    case callbackMissing(record: String, field: String, header: String)
    case unsupportedMember(record: String, field: String, header: String, line: Int, type: String)
    case unnameableMember(record: String, field: String, header: String, line: Int, reason: String)
    case templates(String)
    case render(template: String, reason: String)

    public var description: String {
        switch self {
        case .callbackSignature(let record, let field, let header, let line, let expected, let found):
            "\(header):\(line): struct \(record) member '\(field)' is '\(found)'; the generated \(field)_callback implements '\(expected)'. Update the callback spec and template for this kernel"
        case .callbackDiffersByConfig(let record, let field, let header, let line, let otherLine):
            "\(header):\(line): struct \(record) member '\(field)' is declared again at line \(otherLine), in another #if branch, with other parameter types; the generated \(field)_callback has one signature"
        case .callbackMissing(let record, let field, let header):
            "\(header): struct \(record) has no member '\(field)', which the generated Operations implement; update the callback spec and template for this kernel"
        case .unsupportedMember(let record, let field, let header, let line, let type):
            "\(header):\(line): struct \(record) member '\(field)' has type '\(type)', which the vtable cannot initialise"
        case .unnameableMember(let record, let field, let header, let line, let reason):
            "\(header):\(line): struct \(record) member '\(field)' \(reason)"
        case .templates(let reason):
            reason
        case .render(let template, let reason):
            "\(template): \(reason)"
        }
    }
}
