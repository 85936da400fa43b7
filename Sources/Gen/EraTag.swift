import KernelHeaders
import Stencil

/// `{% era queueData gen_disk.build %}`: the piece `gen_disk.build` of the
/// capability `queueData`, in the version for the tree's era.
///
/// Every difference an era capability (`KernelFeature`) makes lives in one
/// partial named after it, `rust/eras/<capability>.stencil`, as pieces that
/// give both versions side by side:
///
///     {% piece gen_disk.build %}
///     text for kernels that have the capability
///     {% before %}
///     text for kernels from before it (optional: nothing if absent)
///     {% endpiece %}
///
/// so a maintainer reads what one capability changes in one file, and the
/// module templates hold one line where they differ.
///
/// The capability is checked when the template is parsed, not looked up in
/// the branch taken: Stencil parses a whole template before it renders any
/// of it, so a misspelled one (`queuData`) is an error naming the template
/// for every tree, where an `{% if %}` on a variable would render the older
/// API without a word. The piece is looked up on every render, whichever
/// version the tree takes, so a misspelled piece fails for every tree too.
enum EraTag {
    /// Where the renderer puts the tree's `KernelFeatures` for the tag.
    static let contextKey = "mqgen_era"

    /// The partial that holds `feature`'s pieces.
    static func partial(for feature: KernelFeature) -> String {
        "rust/eras/\(feature.rawValue).stencil"
    }

    static func register(in extension: Extension, library: TemplateLibrary) {
        `extension`.registerTag("era") { [unowned library] parser, token in try parseEra(parser, token: token, library: library) }
        `extension`.registerTag("piece", parser: parsePiece)
    }

    static func parseEra(_ parser: TokenParser, token: Token, library: TemplateLibrary) throws -> NodeType {
        let components = token.components
        guard components.count == 3 else {
            throw TemplateSyntaxError("'{% \(token.contents) %}': an era tag names one capability and one of its pieces, as in '{% era queueData gen_disk.build %}'")
        }
        guard let feature = KernelFeature(rawValue: components[1]) else {
            let known = KernelFeature.allCases.map(\.rawValue).joined(separator: ", ")
            throw TemplateSyntaxError("'{% \(token.contents) %}' asks for the capability '\(components[1])', which the era table (KernelFeature) does not have; it has \(known)")
        }
        return EraNode(feature: feature, piece: components[2], library: library, token: token)
    }

    static func parsePiece(_ parser: TokenParser, token: Token) throws -> NodeType {
        let components = token.components
        guard components.count == 2 else {
            throw TemplateSyntaxError("'{% \(token.contents) %}': a piece has one name, as in '{% piece gen_disk.build %}'")
        }
        let with = try parser.parse(until(["before", "endpiece"]))
        var end = parser.nextToken()
        var before: [NodeType] = []
        if end?.contents == "before" {
            before = try parser.parse(until(["endpiece"]))
            end = parser.nextToken()
        }
        guard end?.contents == "endpiece" else {
            throw TemplateSyntaxError("'{% \(token.contents) %}' has no '{% endpiece %}'")
        }
        return PieceNode(name: components[1], with: with, before: before, token: token)
    }

    /// The pieces of an era partial (its parsed `nodes`), by name.
    static func pieces(in nodes: [NodeType]) throws -> [String: PieceNode] {
        var pieces: [String: PieceNode] = [:]
        for case let piece as PieceNode in nodes {
            guard pieces.updateValue(piece, forKey: piece.name) == nil else {
                throw TemplateSyntaxError("two pieces are named '\(piece.name)'")
            }
        }
        return pieces
    }
}

/// A parsed `{% era %}` tag.
struct EraNode: NodeType {
    let feature: KernelFeature
    let piece: String
    unowned let library: TemplateLibrary
    let token: Token?

    func render(_ context: Context) throws -> String {
        guard let features = context[EraTag.contextKey] as? KernelFeatures else {
            throw TemplateSyntaxError("'{% era \(feature.rawValue) \(piece) %}' in a template rendered without a kernel era (only the kernel files have one)")
        }
        let pieces = library.pieces[feature] ?? [:]
        guard let node = pieces[piece] else {
            let known = pieces.keys.sorted().joined(separator: ", ")
            throw TemplateSyntaxError("'{% era \(feature.rawValue) \(piece) %}' asks for the piece '\(piece)', which \(EraTag.partial(for: feature)) does not have; it has \(known)")
        }
        return try renderNodes(features.has(feature) ? node.with : node.before, context)
    }
}

/// A parsed `{% piece %}` block of an era partial: it renders only through
/// `{% era %}`, which picks one of its two versions.
struct PieceNode: NodeType {
    let name: String
    let with: [NodeType]
    let before: [NodeType]
    let token: Token?

    func render(_ context: Context) throws -> String {
        throw TemplateSyntaxError("'{% piece \(name) %}' renders only through '{% era <capability> \(name) %}'")
    }
}
