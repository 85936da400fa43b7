/// Why the output could not be written, or checked. Each reads as one
/// complete `mqgen: error:` line.
public enum WriteError: Error, Equatable, CustomStringConvertible {
    case unwritable(path: String, reason: String)
    case unreadable(path: String, reason: String)
    case badOutput(String)
    case state(path: String, reason: String)
    case locked(String)
    case editedSinceGenerated(String)
    case notGenerated(String)
    case nestedTree(root: String, other: String, inside: Bool)

    public var description: String {
        switch self {
        case .unwritable(let path, let reason):
            "\(path): cannot write output: \(reason)"
        case .unreadable(let path, let reason):
            "\(path): cannot read: \(reason)"
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
