import BlockIR
import Clang

/// One walk over a translation unit's top-level declarations, keeping only
/// those in the block headers that the API surface asks for.
struct TopLevelIndex {
    var structs: [String: Cursor] = [:]
    var functions: [String: Cursor] = [:]
    var enums: [Cursor] = []
    /// Every typedef of the translation unit, by name: a constant's cast
    /// (`(__force blk_status_t)`) converts to the width of the type it names.
    var typedefs: [String: Cursor] = [:]
    /// The files whose `#define`s may hold constants: the block headers and
    /// the generated version header.
    var constantFiles: [(header: String, file: File)] = []

    /// `versionHeader` is the tree's own unless given (the fuzzer's scratch tree has its own).
    init(unit: TranslationUnit, tree: KernelTree, versionHeader: String? = nil) {
        let versionHeader = versionHeader ?? tree.versionHeader
        let blockFiles = Dictionary(uniqueKeysWithValues: APISurface.constantHeaders.compactMap { header in
            unit.file("\(tree.srctree)/\(header)").map { (header, $0) }
        })
        constantFiles = APISurface.constantHeaders.compactMap { header in blockFiles[header].map { (header, $0) } }
        if let versionFile = unit.file(versionHeader) { constantFiles.append((versionHeader, versionFile)) }
        let wantedStructs = Set((APISurface.records + APISurface.optionalRecords).map(\.name))
        let wantedFunctions = Set(APISurface.requiredFunctions + APISurface.optionalFunctions)

        for cursor in unit.cursor.children {
            let kind = cursor.kind
            if kind == .typedefDecl {
                typedefs[cursor.spelling] = cursor
                continue
            }
            guard kind == .structDecl || kind == .functionDecl || kind == .enumDecl,
                  let file = cursor.file, blockFiles.values.contains(file) else { continue }
            switch kind {
            case .structDecl:
                let name = cursor.spelling
                if wantedStructs.contains(name), cursor.isDefinition { structs[name] = cursor }
            case .functionDecl:
                let name = cursor.spelling
                // A later redeclaration may add attributes; the first one has the declaration as written.
                if wantedFunctions.contains(name), functions[name] == nil || cursor.isDefinition {
                    functions[name] = cursor
                }
            default:
                enums.append(cursor)
            }
        }
    }

}
