import BlockIR
import Clang

/// Reads a struct definition into an IR `Record`, with the `#if` condition of
/// each member recovered from the raw tokens.
struct RecordReader {
    let tree: KernelTree

    struct Result {
        var record: Record
        /// Members with their byte offset in the header, for merging passes.
        var offsets: [String: Int]
        /// Branches of the struct body that the preprocessor skipped: their
        /// members are missing from the AST of this pass.
        var hiddenBranches: [ConditionalBlocks.Branch]
    }

    func read(_ cursor: Cursor, header: String, file: File, unit: TranslationUnit) throws(HeaderError) -> Result {
        let tokens = cursor.tokens
        let blocks = try ConditionalBlocks(tokens: tokens, source: unit.contents(of: file))
        var fields: [Field] = []
        var offsets: [String: Int] = [:]
        for child in cursor.children where child.kind == .fieldDecl {
            let location = child.location
            fields.append(Field(name: child.spelling, type: fieldType(child), line: location.line,
                                condition: blocks.condition(at: location.line)))
            offsets[child.spelling] = location.offset
        }
        // A branch that declares something (a `;` in it) but holds no member
        // of the AST was dropped by the preprocessor.
        let declarationLines = Set(tokens.filter { $0.spelling == ";" }.map(\.location.line))
        let fieldLines = fields.map(\.line)
        let hidden = blocks.branches.filter { branch in
            declarationLines.contains(where: branch.lines.contains) && !fieldLines.contains(where: branch.lines.contains)
        }
        let record = Record(name: cursor.spelling, header: header, line: cursor.location.line, fields: fields)
        return Result(record: record, offsets: offsets, hiddenBranches: hidden)
    }

    /// A member's type; for a function pointer, with the parameter names the
    /// header gives (`struct blk_mq_tag_set *set`).
    private func fieldType(_ field: Cursor) -> BlockIR.CType {
        let type = field.type
        let pointee = type.kind == .pointer ? type.pointee : nil
        guard let pointee, pointee.kind == .functionProto else { return TypeReducer.reduce(type) }
        let names = field.children.filter { $0.kind == .parmDecl }.map(\.spelling)
        return .pointer(to: .function(signature: TypeReducer.function(pointee, names: names)), const: pointee.isConstQualified)
    }

    /// Merges the members of two passes over the same struct, in header order.
    static func merge(_ first: Result, _ second: Result) -> Result {
        var seen = Set<String>()
        var entries: [(offset: Int, field: Field)] = []
        for pass in [first, second] {
            for field in pass.record.fields where seen.insert(field.name).inserted {
                entries.append((pass.offsets[field.name] ?? 0, field))
            }
        }
        entries.sort { $0.offset < $1.offset }
        var merged = first
        merged.record.fields = entries.map(\.field)
        merged.offsets = Dictionary(uniqueKeysWithValues: entries.map { ($0.field.name, $0.offset) })
        merged.hiddenBranches = []
        return merged
    }
}
