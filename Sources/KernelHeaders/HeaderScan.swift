import Foundation
import BlockIR
import Clang
import Logging

/// Parses a kernel tree's block headers with libclang, in kernel mode, and
/// builds the `BlockLayerAPI` IR.
public struct HeaderScan {
    public let tree: KernelTree
    private let logger: Logger
    private let phases: PhaseLog

    public init(tree: KernelTree, logger: Logger = Logger(label: "mqgen.headers"), phases: PhaseLog = PhaseLog()) {
        self.tree = tree
        self.logger = logger
        self.phases = phases
    }

    /// The path of the in-memory file that includes the headers; it is never written.
    var probePath: String { "\(tree.objtree)/mqgen-probe.c" }

    public func run() throws(HeaderError) -> BlockLayerAPI {
        let index = Index()
        let unit = try phases.time("parse") { () throws(HeaderError) in try parse(index: index, overrides: []) }
        let top = phases.time("index") { TopLevelIndex(unit: unit, tree: tree) }
        var records = try phases.time("records") { () throws(HeaderError) in try readRecords(unit: unit, top: top) }

        let hidden = records.flatMap(\.hiddenBranches)
        if !hidden.isEmpty {
            records = try phases.time("forced parse") { () throws(HeaderError) in try recoverHidden(hidden, in: records, index: index) }
        }
        let byName = Dictionary(uniqueKeysWithValues: records.map { ($0.record.name, $0.record) })
        try Self.validate(byName)
        try Self.checkDepth(of: records.map(\.record))

        let constants = try phases.time("constants") { () throws(HeaderError) in try ConstantReader(tree: tree, unit: unit).read(top: top) }
        let kernel = try version(constants.version)
        let functions = try phases.time("functions") { () throws(HeaderError) in try self.functions(top) }
        let enums = try enumerations(top)
        return BlockLayerAPI(
            kernel: kernel,
            mqOps: byName["blk_mq_ops"]!, diskOps: byName["block_device_operations"]!,
            tagSet: byName["blk_mq_tag_set"]!, queueLimits: byName["queue_limits"]!, queueData: byName["blk_mq_queue_data"],
            functions: functions, constants: constants.block, enums: enums)
    }

    // MARK: Parsing

    /// The file mqgen parses: `overrides`, then the version header and the
    /// block headers (`mqgen --print-probe` prints it for the benchmark's peer).
    public static func probe(overrides: [String] = []) -> String {
        let includes = ["linux/version.h"] + APISurface.includeNames(APISurface.parsedHeaders)
        return (overrides + includes.map { "#include <\($0)>" }).joined(separator: "\n") + "\n"
    }

    /// `overrides` are preprocessor lines placed after the Kconfig header and
    /// before the block headers, to force hidden `#if` branches on.
    func parse(index: Index, overrides: [String]) throws(HeaderError) -> TranslationUnit {
        let probe = Self.probe(overrides: overrides)
        let unit: TranslationUnit
        do {
            unit = try TranslationUnit(
                index: index, mainFile: probePath, arguments: tree.clangArguments,
                unsavedFiles: [UnsavedFile(path: probePath, contents: probe)],
                options: [.skipFunctionBodies])
        } catch {
            throw .clangFailure(error.description)
        }
        if let error = unit.diagnostics.first(where: { $0.severity >= .error }) {
            let context = overrides.isEmpty ? "" : " (with \(overrides.joined(separator: "; ")) to recover members under #if)"
            throw .compileError("\(error.location): \(error.message)\(context)")
        }
        return unit
    }

    private func readRecords(unit: TranslationUnit, top: TopLevelIndex) throws(HeaderError) -> [RecordReader.Result] {
        let reader = RecordReader(tree: tree)
        var results: [RecordReader.Result] = []
        for (name, header) in APISurface.records {
            guard let cursor = top.structs[name], let file = cursor.file else {
                throw .recordMissing(name: name, header: header)
            }
            results.append(try reader.read(cursor, header: header, file: file, unit: unit))
        }
        for (name, header) in APISurface.optionalRecords {
            guard let cursor = top.structs[name], let file = cursor.file else { continue }
            results.append(try reader.read(cursor, header: header, file: file, unit: unit))
        }
        return results
    }

    /// Parses again with the hidden branches' conditions forced true, and
    /// merges the members found there into the first pass, in header order.
    private func recoverHidden(
        _ hidden: [ConditionalBlocks.Branch], in first: [RecordReader.Result], index: Index
    ) throws(HeaderError) -> [RecordReader.Result] {
        var overrides: [String] = []
        for branch in hidden {
            guard let condition = branch.condition, let lines = Self.forcing(condition) else {
                throw .unsupportedCondition(location: branch.directive, directive: branch.condition.map { "#if \($0.cSpelling)" } ?? "#if")
            }
            overrides += lines.filter { !overrides.contains($0) }
        }
        logger.info("recovering struct members under #if with: \(overrides.joined(separator: "; "))")
        let unit = try parse(index: index, overrides: overrides)
        let second = try readRecords(unit: unit, top: TopLevelIndex(unit: unit, tree: tree))
        // Forcing can fail (a header that #undefs the symbol, branches that
        // want a symbol both ways): then the members would be left out.
        let forced = Set(hidden.map(\.directive))
        if let still = second.flatMap(\.hiddenBranches).first(where: { forced.contains($0.directive) }) {
            throw .unrecoverableBranch(location: still.directive, directive: still.directiveText,
                                       overrides: overrides.joined(separator: "; "))
        }
        return zip(first, second).map { RecordReader.merge($0, $1) }
    }

    /// Preprocessor lines that make `condition` true.
    static func forcing(_ condition: Condition) -> [String]? {
        switch condition {
        case .defined(let symbol): ["#undef \(symbol)", "#define \(symbol) 1"]
        case .not(.defined(let symbol)): ["#undef \(symbol)"]
        case .not(.not(let inner)): forcing(inner)
        // De Morgan: the `#else` of `#if A || B` needs neither A nor B.
        case .not(.any(let terms)): forcing(.all(terms: terms.map { .not(term: $0) }))
        case .not(.all(let terms)): forcing(.any(terms: terms.map { .not(term: $0) }))
        case .all(let terms): terms.reduce(into: [String]?([])) { lines, term in
            guard let more = forcing(term) else { lines = nil; return }
            lines? += more
        }
        case .any(let terms): terms.first.flatMap(forcing)
        }
    }

    // MARK: Validation and the rest of the surface

    static func validate(_ records: [String: Record]) throws(HeaderError) {
        let ops = records["blk_mq_ops"]!
        if ops.field("queue_rq") == nil {
            throw .fieldMissing(record: ops.name, field: "queue_rq", header: ops.header)
        }
    }

    /// A member whose type `TypeReducer` cut off is named, never rendered.
    static func checkDepth(of records: [Record]) throws(HeaderError) {
        for record in records {
            for field in record.fields where field.type.contains(TypeReducer.tooDeep) {
                throw .typeTooDeep(location: "\(record.header):\(field.line)", name: "\(record.name).\(field.name)", limit: TypeReducer.depthLimit)
            }
        }
    }

    private func functions(_ top: TopLevelIndex) throws(HeaderError) -> [Function] {
        var result: [Function] = []
        for name in APISurface.requiredFunctions + APISurface.optionalFunctions {
            guard let cursor = top.functions[name] else {
                if APISurface.requiredFunctions.contains(name) { throw .functionMissing(name: name) }
                continue
            }
            let location = cursor.location
            let names = cursor.arguments.map(\.spelling)
            let type = TypeReducer.function(cursor.type, names: names)
            if CType.function(signature: type).contains(TypeReducer.tooDeep) {
                throw .typeTooDeep(location: "\(tree.relativePath(location.path)):\(location.line)", name: name, limit: TypeReducer.depthLimit)
            }
            result.append(Function(
                name: name, header: tree.relativePath(location.path), line: location.line,
                type: type, isStaticInline: cursor.isStatic && cursor.isInlined))
        }
        return result
    }

    /// The enums of `APISurface.enums`, with the values libclang computed.
    private func enumerations(_ top: TopLevelIndex) throws(HeaderError) -> [Enumeration] {
        try APISurface.enums.map { (name, header) throws(HeaderError) in
            guard let cursor = top.enums.first(where: { $0.spelling == name && $0.isDefinition }),
                  tree.relativePath(cursor.location.path) == header else {
                throw .enumMissing(name: name, header: header)
            }
            let enumerators = cursor.children.filter { $0.kind == .enumConstantDecl }
                .map { Enumerator(name: $0.spelling, value: $0.enumConstantValue) }
            return Enumeration(name: name, header: tree.relativePath(cursor.location.path),
                               line: cursor.location.line, enumerators: enumerators)
        }
    }

    /// The release the version header's macros, as libclang evaluated them, name.
    private func version(_ macros: [String: Int64]) throws(HeaderError) -> KernelVersion {
        if let release = KernelTree.release(versionMacros: macros) { return release }
        guard FileManager.default.fileExists(atPath: tree.versionHeader) else {
            throw .missingGenerated(objtree: tree.objtree, file: KernelTree.File.versionHeader)
        }
        throw .malformedGenerated(path: tree.versionHeader, reason: "defines neither LINUX_VERSION_MAJOR and LINUX_VERSION_PATCHLEVEL nor LINUX_VERSION_CODE as integers")
    }
}
