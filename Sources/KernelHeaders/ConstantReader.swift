import BlockIR
import Clang

/// Reads the integer constants of the API surface from enums and from
/// `#define`s.
///
/// A detailed preprocessing record would hand over every macro of the
/// translation unit, at a third of the parse time; the few headers that hold
/// the constants are lexed instead. A `#define` under an `#if` that is false
/// for the tree's Kconfig symbols (read from `autoconf.h`) is ignored, as the
/// compiler ignored it.
struct ConstantReader {
    let tree: KernelTree
    let unit: TranslationUnit

    struct Constants {
        var block: [Constant]
        /// `LINUX_VERSION_*` from the generated version header.
        var version: [String: Int64]
    }

    func read(top: TopLevelIndex) throws(HeaderError) -> Constants {
        // The tree read `autoconf.h` already; lexing it again through
        // libclang (20,000 tokens, each spelled) cost 53 M instructions.
        let kconfig = tree.config.symbols
        var known: [String: Int64] = [:]
        var block: [Constant] = []
        var version: [String: Int64] = [:]
        let types = top.typedefs.compactMapValues(IntegerType.init(typedef:))

        for cursor in top.enums {
            for constant in cursor.children where constant.kind == .enumConstantDecl {
                let name = constant.spelling
                known[name] = constant.enumConstantValue
                if Self.wanted(name) {
                    block.append(Constant(name: name, value: constant.enumConstantValue, header: tree.relativePath(constant.location.path)))
                }
            }
        }
        for (header, file) in top.constantFiles {
            for define in try defines(in: file, kconfig: kconfig) {
                let isVersion = define.name.hasPrefix("LINUX_VERSION_")
                guard isVersion || Self.wanted(define.name) else { continue }
                guard let value = MacroEvaluator.evaluate(define.body, known: known, types: types) else {
                    if define.name.hasPrefix(Self.everyValueNeeded) {
                        throw .unevaluableConstant(location: "\(file.path):\(define.line)", name: define.name,
                                                   body: define.body.joined(separator: " "))
                    }
                    continue
                }
                known[define.name] = value
                if isVersion {
                    version[define.name] = value
                } else {
                    block.append(Constant(name: define.name, value: value, header: tree.relativePath(header)))
                }
            }
        }
        // Header order within each family, families in surface order.
        let family = { (name: String) in APISurface.constantFamily(of: name) ?? APISurface.constantPrefixes.count }
        let sorted = block.enumerated().sorted { a, b in
            (family(a.element.name), a.offset) < (family(b.element.name), b.offset)
        }.map(\.element)
        return Constants(block: sorted, version: version)
    }

    /// The family whose every value is used: the Swift model's `BlkStatus`
    /// lists each `BLK_STS_*`, so one left out would be a silent gap.
    static let everyValueNeeded = "BLK_STS_"

    static func wanted(_ name: String) -> Bool {
        APISurface.constantPrefixes.contains { name.hasPrefix($0) }
    }

    /// The object-like `#define`s of `file` that the preprocessor kept.
    private func defines(in file: File, kconfig: Set<String>) throws(HeaderError) -> [(name: String, body: [String], line: Int)] {
        let tokens = unit.tokens(of: file), source = unit.contents(of: file)
        let blocks = try ConditionalBlocks(tokens: tokens, source: source, tolerant: true)
        return ConditionalBlocks.directives(in: tokens, source: source).compactMap { directive in
            guard directive.name == "define", let name = directive.arguments.first,
                  blocks.isKept(line: directive.hash.location.line, kconfig: kconfig) else { return nil }
            // `NAME(` with no space between is a function-like macro.
            if let next = directive.arguments.dropFirst().first, next.spelling == "(",
               next.location.line == name.location.line,
               next.location.column == name.location.column + name.spelling.utf8.count {
                return nil
            }
            return (name.spelling, directive.arguments.dropFirst().map(\.spelling), directive.hash.location.line)
        }
    }

}
