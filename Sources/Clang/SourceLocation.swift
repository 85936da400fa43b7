import CClang

/// A position in a file: 1-based line and column, 0-based byte offset.
///
/// The file's path is looked up only when asked for: a header scan reads
/// the positions of tens of thousands of tokens and the paths of a few.
public struct SourceLocation: CustomStringConvertible {
    private let file: CXFile?
    public let line: Int
    public let column: Int
    public let offset: Int

    init(_ raw: CXSourceLocation) {
        var file: CXFile?
        var line: UInt32 = 0, column: UInt32 = 0, offset: UInt32 = 0
        clang_getFileLocation(raw, &file, &line, &column, &offset)
        self.file = file
        self.line = Int(line)
        self.column = Int(column)
        self.offset = Int(offset)
    }

    public var path: String { file.map { String(consuming: clang_getFileName($0)) } ?? "" }

    public var description: String { "\(path):\(line):\(column)" }
}

/// A half-open range of source text.
public struct SourceRange {
    let raw: CXSourceRange
    let unit: TranslationUnit

    init(_ raw: CXSourceRange, in unit: TranslationUnit) {
        self.raw = raw
        self.unit = unit
    }

    public var start: SourceLocation { SourceLocation(clang_getRangeStart(raw)) }
    public var end: SourceLocation { SourceLocation(clang_getRangeEnd(raw)) }
}
