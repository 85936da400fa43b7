import BlockIR
import Clang

/// Reads a struct definition into an IR `Record`, with the `#if` condition of
/// each member recovered from the raw tokens.
struct RecordReader {
    let tree: KernelTree

    /// A member of one pass: the same name may be declared twice, in the two
    /// branches of an `#ifdef`/`#else`, so the line tells them apart.
    struct MemberKey: Hashable {
        var name: String
        var line: Int
    }

    struct Result {
        var record: Record
        /// Members with their byte offset in the header, for merging passes.
        var offsets: [MemberKey: Int]
        /// Branches of the struct body that the preprocessor skipped: their
        /// members are missing from the AST of this pass.
        var hiddenBranches: [ConditionalBlocks.Branch]
    }

    func read(_ cursor: Cursor, header: String, file: File, unit: TranslationUnit) throws(HeaderError) -> Result {
        let tokens = cursor.tokens
        let blocks = try ConditionalBlocks(tokens: tokens, source: unit.contents(of: file))
        let isTable = APISurface.opsTables.contains(cursor.spelling)
        var fields: [Field] = []
        var offsets: [MemberKey: Int] = [:]
        for child in cursor.children {
            if isTable { try Self.checkTableMember(child, of: cursor.spelling) }
            guard child.kind == .fieldDecl else { continue }
            try Self.checkWhole(child, of: cursor.spelling, in: blocks)
            let location = child.location
            fields.append(Field(name: child.spelling, type: fieldType(child, inTable: isTable), line: location.line,
                                condition: blocks.condition(at: location.line)))
            offsets[MemberKey(name: child.spelling, line: location.line)] = location.offset
        }
        // A branch with something in it besides directives and comments, but
        // no member of the AST, was dropped by the preprocessor. (Not only a
        // `;`: a macro may supply that.)
        let declarationLines = Set(tokens.filter { $0.kind != .comment }.map(\.location.line)).subtracting(blocks.directiveLines)
        let fieldLines = fields.map(\.line)
        let hidden = blocks.branches.filter { branch in
            declarationLines.contains(where: branch.lines.contains) && !fieldLines.contains(where: branch.lines.contains)
        }
        let record = Record(name: cursor.spelling, header: header, line: cursor.location.line, fields: fields)
        return Result(record: record, offsets: offsets, hiddenBranches: hidden)
    }

    /// An ops table is initialised member by member; bindgen gives an
    /// anonymous struct or union a made-up field (`__bindgen_anon_1`) and
    /// packs bitfields into `_bitfield_1`, which no entry named after the
    /// header's member would match.
    private static func checkTableMember(_ child: Cursor, of record: String) throws(HeaderError) {
        let location = child.location
        if child.kind == .structDecl || child.kind == .unionDecl, child.isAnonymousRecordDecl {
            throw .anonymousMember(location: "\(location.path):\(location.line)", record: record,
                                   kind: child.kind == .unionDecl ? "union" : "struct")
        }
        if child.kind == .fieldDecl, child.isBitField {
            throw .bitfieldMember(location: "\(location.path):\(location.line)", record: record, field: child.spelling)
        }
    }

    /// A member's condition is read at its line, so a directive inside its
    /// declaration (a parameter under `#ifdef`) would go unnoticed.
    private static func checkWhole(_ field: Cursor, of record: String, in blocks: ConditionalBlocks) throws(HeaderError) {
        let extent = field.extent
        let lines = extent.start.line...max(extent.start.line, extent.end.line)
        for branch in blocks.branches where branch.lines.overlaps(lines)
            && !(branch.lines.contains(lines.lowerBound) && branch.lines.contains(lines.upperBound)) {
            let location = field.location
            throw .conditionalInsideMember(location: "\(location.path):\(location.line)", record: record, field: field.spelling,
                                           directive: branch.directiveText, directiveLocation: branch.directive)
        }
    }

    /// A member's type; for a function pointer, with the parameter names the
    /// header gives (`struct blk_mq_tag_set *set`). A function pointer
    /// spelled through typedefs (`queue_rq_fn *queue_rq`, `timeout_fn_t
    /// timeout`) is the same function pointer, as bindgen makes it an
    /// `Option<fn>` either way; its names come from the typedef.
    ///
    /// In an ops table, whose every member the generated initializer names,
    /// a typedef stays a typedef only for an integer (`0` initializes it);
    /// any other is resolved, so that a pointer gets a null pointer and a
    /// struct is refused rather than initialized with `0`.
    private func fieldType(_ field: Cursor, inTable: Bool) -> BlockIR.CType {
        guard let (function, declaration) = Self.functionPointer(field.type, declaredBy: field) else {
            let reduced = TypeReducer.reduce(field.type)
            if inTable, case .typedef = reduced, field.type.isSignedInteger == nil {
                return TypeReducer.reduce(field.type.canonical)
            }
            return reduced
        }
        let names = declaration.children.filter { $0.kind == .parmDecl }.map(\.spelling)
        return .pointer(to: .function(signature: TypeReducer.function(function, names: names)), const: function.isConstQualified)
    }

    /// The function type `type` points to through any typedefs, and the
    /// declaration that spells its parameters; nil for any other type.
    static func functionPointer(_ type: Clang.CType, declaredBy field: Cursor) -> (Clang.CType, Cursor)? {
        var type = type, declaration = field, pointer = false
        // Each step removes one layer of sugar; a typedef chain is finite
        // (a cycle does not compile), the bound only makes that visible.
        for _ in 0..<64 {
            switch type.kind {
            case .elaborated: type = type.named
            case .typedef:
                declaration = type.declaration
                type = declaration.typedefUnderlyingType
            case .pointer where !pointer:
                pointer = true
                type = type.pointee
            case .functionProto, .functionNoProto: return pointer ? (type, declaration) : nil
            default: return nil
            }
        }
        return nil
    }

    /// Merges the members of two passes over the same struct, in header
    /// order. A member is the same in both when its name and line are; the
    /// same name on another line is the other branch of an `#ifdef`.
    static func merge(_ first: Result, _ second: Result) -> Result {
        var seen = Set<MemberKey>()
        var entries: [(offset: Int, field: Field)] = []
        for pass in [first, second] {
            for field in pass.record.fields {
                let key = MemberKey(name: field.name, line: field.line)
                if seen.insert(key).inserted { entries.append((pass.offsets[key] ?? 0, field)) }
            }
        }
        entries.sort { $0.offset < $1.offset }
        var merged = first
        merged.record.fields = entries.map(\.field)
        merged.offsets = Dictionary(uniqueKeysWithValues: entries.map { (MemberKey(name: $0.field.name, line: $0.field.line), $0.offset) })
        merged.hiddenBranches = []
        return merged
    }
}
