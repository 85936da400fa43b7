import KernelHeaders
import Stencil

/// `{% era queueData %} ... {% else %} ... {% endera %}`: text for the
/// kernels that have a capability of the era table (`KernelFeature`), and
/// for those that do not.
///
/// The capability is a name the tag checks when the template is parsed, not
/// a variable looked up in the branch taken: Stencil parses a whole template
/// before it renders any of it, so a misspelled one (`queuData`) is an error
/// naming the template for every tree, where an `{% if %}` on a variable
/// would render the older API without a word.
enum EraTag {
    /// Where the renderer puts the tree's `KernelFeatures` for the tag.
    static let contextKey = "mqgen_era"

    static func register(in extension: Extension) {
        `extension`.registerTag("era", parser: parse)
    }

    static func parse(_ parser: TokenParser, token: Token) throws -> NodeType {
        let components = token.components
        guard components.count == 2 else {
            throw TemplateSyntaxError("'{% \(token.contents) %}': an era block names one capability, as in '{% era queueData %}'")
        }
        guard let feature = KernelFeature(rawValue: components[1]) else {
            let known = KernelFeature.allCases.map(\.rawValue).joined(separator: ", ")
            throw TemplateSyntaxError("'{% \(token.contents) %}' asks for the capability '\(components[1])', which the era table (KernelFeature) does not have; it has \(known)")
        }
        let with = try parser.parse(until(["else", "endera"]))
        var end = parser.nextToken()
        var without: [NodeType] = []
        if end?.contents == "else" {
            without = try parser.parse(until(["endera"]))
            end = parser.nextToken()
        }
        guard end?.contents == "endera" else {
            throw TemplateSyntaxError("'{% \(token.contents) %}' has no '{% endera %}'")
        }
        return EraNode(feature: feature, with: with, without: without, token: token)
    }
}

/// A parsed `{% era %}` block.
struct EraNode: NodeType {
    let feature: KernelFeature
    let with: [NodeType]
    let without: [NodeType]
    let token: Token?

    func render(_ context: Context) throws -> String {
        guard let features = context[EraTag.contextKey] as? KernelFeatures else {
            throw TemplateSyntaxError("'{% era \(feature.rawValue) %}' in a template rendered without a kernel era (only the kernel files have one)")
        }
        return try renderNodes(features.has(feature) ? with : without, context)
    }
}
