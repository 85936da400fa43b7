import CClang
#if canImport(Glibc)
import Glibc
#endif

/// A parsed translation unit. Cursors, types and tokens taken from it keep it
/// alive, so none of them can outlive the C object they point into.
public final class TranslationUnit {
    let raw: CXTranslationUnit
    private let index: Index

    /// Parses `mainFile` with the compiler `arguments`.
    ///
    /// A parse with errors still succeeds: read `diagnostics`. Only a failure
    /// of libclang itself (bad arguments, crash) throws.
    public init(
        index: Index,
        mainFile: String,
        arguments: [String],
        unsavedFiles: [UnsavedFile] = [],
        options: ParseOptions = []
    ) throws(ClangError) {
        self.index = index
        var unit: CXTranslationUnit?
        let code = Self.withCArguments(arguments) { argv in
            Self.withUnsaved(unsavedFiles) { unsaved in
                clang_parseTranslationUnit2(
                    index.raw, mainFile, argv, Int32(arguments.count),
                    unsaved.baseAddress, UInt32(unsaved.count), options.rawValue, &unit)
            }
        }
        guard code == CXError_Success, let unit else {
            throw ClangError(code: code.rawValue, file: mainFile)
        }
        raw = unit
    }

    deinit {
        clang_disposeTranslationUnit(raw)
    }

    /// The root cursor: its children are the top-level declarations.
    public var cursor: Cursor {
        Cursor(clang_getTranslationUnitCursor(raw), in: self)
    }

    /// Every diagnostic of the parse, in the order clang emitted them.
    public var diagnostics: [Diagnostic] {
        (0..<clang_getNumDiagnostics(raw)).compactMap { index in
            guard let diagnostic = clang_getDiagnostic(raw, index) else { return nil }
            defer { clang_disposeDiagnostic(diagnostic) }
            return Diagnostic(diagnostic)
        }
    }

    /// The file of this translation unit at `path`, if the parse included it.
    public func file(_ path: String) -> File? {
        clang_getFile(raw, path).map { File(raw: $0, unit: self) }
    }

    /// The raw tokens of `range`, preprocessor directives included: `#ifdef`
    /// lines come back as the tokens `#`, `ifdef`, `NAME`.
    public func tokens(in range: SourceRange) -> [Token] {
        var tokens: UnsafeMutablePointer<CXToken>?
        var count: UInt32 = 0
        clang_tokenize(raw, range.raw, &tokens, &count)
        guard let tokens else { return [] }
        defer { clang_disposeTokens(raw, tokens, count) }
        return UnsafeBufferPointer(start: tokens, count: Int(count)).map { Token($0, in: self) }
    }

    private static func withCArguments<R>(_ arguments: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = arguments.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return body(copies.map { UnsafePointer($0) })
    }

    private static func withUnsaved<R>(_ files: [UnsavedFile], _ body: (UnsafeMutableBufferPointer<CXUnsavedFile>) -> R) -> R {
        let names = files.map { strdup($0.path) }
        let contents = files.map { strdup($0.contents) }
        defer { (names + contents).forEach { free($0) } }
        var raw = files.indices.map { i in
            CXUnsavedFile(Filename: names[i], Contents: contents[i], Length: UInt(strlen(contents[i]!)))
        }
        return raw.withUnsafeMutableBufferPointer { body($0) }
    }
}

extension TranslationUnit {
    /// The bytes of a file as the parse read them.
    public func contents(of file: File) -> [UInt8] {
        var size = 0
        guard let text = clang_getFileContents(raw, file.raw, &size) else { return [] }
        return text.withMemoryRebound(to: UInt8.self, capacity: size) { Array(UnsafeBufferPointer(start: $0, count: size)) }
    }

    /// The raw tokens of a whole file of this translation unit.
    public func tokens(of file: File) -> [Token] {
        var size = 0
        guard clang_getFileContents(raw, file.raw, &size) != nil else { return [] }
        let range = clang_getRange(clang_getLocationForOffset(raw, file.raw, 0),
                                   clang_getLocationForOffset(raw, file.raw, UInt32(size)))
        return tokens(in: SourceRange(range, in: self))
    }
}
