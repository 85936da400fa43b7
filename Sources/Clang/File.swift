import CClang

/// A file that took part in a parse.
public struct File {
    let raw: CXFile
    let unit: TranslationUnit

    public var path: String { String(consuming: clang_getFileName(raw)) }
}

extension File: Equatable {
    public static func == (lhs: File, rhs: File) -> Bool {
        clang_File_isEqual(lhs.raw, rhs.raw) != 0
    }
}

extension Cursor {
    /// The file this cursor is spelled in, without building strings: cheap
    /// enough to filter every top-level declaration of a large header set.
    public var file: File? {
        var file: CXFile?
        clang_getFileLocation(clang_getCursorLocation(raw), &file, nil, nil, nil)
        return file.map { File(raw: $0, unit: unit) }
    }
}
