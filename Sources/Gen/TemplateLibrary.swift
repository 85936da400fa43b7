import KernelHeaders
import Stencil

/// Every template of a `TemplateSet`, lexed and parsed once, before any
/// render, and the tags that reach one template from another.
///
/// Stencil's own loading makes a new `Template`, and so lexes and parses
/// anew, for every `{% include %}` a render reaches (the vtable's
/// empty-value partial once per member, the callback signature once per
/// callback) and for every render of a file. Here `{% include "name" %}`
/// renders the parsed nodes of `name` in the current context, as Stencil's
/// does, and `{% era %}` takes its piece from the parsed era partial.
/// Nodes are not changed by rendering, so one parse serves every render.
///
/// Sendable by hand: every property is set in `init` and only read after
/// it, and the renders that share it on several threads read nodes, never
/// write them (checked with ThreadSanitizer on the 6.12 and 7.3 trees).
final class TemplateLibrary: @unchecked Sendable {
    private(set) var nodes: [String: [NodeType]] = [:]
    /// The pieces of each era partial (`rust/eras/<capability>.stencil`).
    private(set) var pieces: [KernelFeature: [String: PieceNode]] = [:]
    let environment: Environment

    init(set: TemplateSet) throws(GenError) {
        let tags = Extension()
        // Only `{% extends %}` still loads through Stencil's loader.
        environment = Environment(loader: DictionaryLoader(templates: set.texts), extensions: [tags], trimBehaviour: .smart)
        IncludeTag.register(in: tags, library: self)
        EraTag.register(in: tags, library: self)
        WithTag.register(in: tags)
        for (name, text) in set.texts {
            do {
                nodes[name] = try TokenParser(tokens: TemplateLexer.tokens(text, name: name), environment: environment).parse()
            } catch {
                throw .render(template: "\(set.label)/\(name)", reason: "\(error)")
            }
        }
        for feature in KernelFeature.allCases {
            guard let partial = nodes[EraTag.partial(for: feature)] else { continue }
            do { pieces[feature] = try EraTag.pieces(in: partial) } catch {
                throw .render(template: "\(set.label)/\(EraTag.partial(for: feature))", reason: "\(error)")
            }
        }
    }

    /// Renders the template `name` with `variables`.
    func render(_ name: String, _ variables: [String: Any]) throws -> String {
        try renderNodes(nodes[name]!, Context(dictionary: variables, environment: environment))
    }
}

/// `{% include "rust/callback_signature.stencil" %}`: the named template,
/// rendered in the current context. The name is a literal string, as
/// `TemplateSet` requires; Stencil's second argument (a sub-context) is
/// what `{% with %}` does here.
enum IncludeTag {
    static func register(in extension: Extension, library: TemplateLibrary) {
        `extension`.registerTag("include") { [unowned library] _, token in
            let components = token.components
            guard components.count == 2, let quote = components[1].first, quote == "\"" || quote == "'",
                  components[1].count >= 2, components[1].last == quote else {
                throw TemplateSyntaxError("'{% \(token.contents) %}': an include names one template by a literal string; pass values with '{% with %}'")
            }
            return IncludeNode(name: String(components[1].dropFirst().dropLast()), library: library, token: token)
        }
    }
}

/// A parsed `{% include %}` tag.
struct IncludeNode: NodeType {
    let name: String
    unowned let library: TemplateLibrary
    let token: Token?

    func render(_ context: Context) throws -> String {
        guard let nodes = library.nodes[name] else {
            throw TemplateSyntaxError("'{% include \"\(name)\" %}': no such template")
        }
        return try context.push { try renderNodes(nodes, context) }
    }
}
