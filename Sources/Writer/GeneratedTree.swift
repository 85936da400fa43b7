/// The rendered files of one tree, by path relative to the kernel tree.
public struct GeneratedTree: Equatable, Sendable {
    public var files: [String: String]
    /// Paths of files that are the user's, with mqgen's lines inserted (in
    /// in-tree mode: lib.rs, helpers.c, bindings_helper.h). mqgen does not
    /// own them: the manifest does not list them and they are never stale.
    public var edited: Set<String>

    public init(files: [String: String], edited: Set<String> = []) {
        self.files = files
        self.edited = edited
    }

    public var paths: [String] { files.keys.sorted() }
}
