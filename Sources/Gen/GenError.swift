/// Why the IR could not be rendered or the output not written. Each reads as
/// one complete `mqgen: error:` line.
public enum GenError: Error, Equatable, CustomStringConvertible {
    case callbackSignature(record: String, field: String, header: String, line: Int, expected: String, found: String)
    case callbackDiffersByConfig(record: String, field: String, header: String, line: Int, otherLine: Int)
    case callbackMissing(record: String, field: String, header: String)
    case unsupportedMember(record: String, field: String, header: String, line: Int, type: String)
    case unnameableMember(record: String, field: String, header: String, line: Int, reason: String)
    case templates(String)
    case render(template: String, reason: String)
    case unwritable(path: String, reason: String)
    case unreadable(path: String, reason: String)
    case inTree(path: String, reason: String)
    case badOutput(String)
    case state(path: String, reason: String)
    case locked(String)
    case editedSinceGenerated(String)
    case notGenerated(String)
    case nestedTree(root: String, other: String, inside: Bool)

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
        case .unwritable(let path, let reason):
            "\(path): cannot write output: \(reason)"
        case .unreadable(let path, let reason):
            "\(path): cannot read: \(reason)"
        case .inTree(let path, let reason):
            "\(path): \(reason)"
        case .badOutput(let reason):
            reason
        case .state(let path, let reason):
            "\(path): \(reason)"
        case .locked(let root):
            "\(root): another mqgen run is writing here (it holds the lock on this directory); run again when it has finished"
        case .editedSinceGenerated(let path):
            "\(path): edited since mqgen wrote it (--check shows how); keep the change elsewhere, or pass --force to overwrite it"
        case .notGenerated(let path):
            "\(path): not written by mqgen, and a generated file goes there; move it away, or pass --force to overwrite it"
        case .nestedTree(let root, let other, let inside):
            inside
                ? "\(root): inside the generated tree \(other); write each tree to a directory of its own"
                : "\(root): holds another generated tree in \(other); write each tree to a directory of its own (by default mqgen writes Output/<major.minor>)"
        }
    }
}
