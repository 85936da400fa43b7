import Stencil

/// `{% with callback=ctx.callbacks.queue_rq body="empty" %} ... {% endwith %}`:
/// the block sees each name bound to its value, as Django's `with` has it.
///
/// It lets one partial (`rust/callback_signature.stencil`) write every
/// callback's signature from the context's data: Stencil's own `include`
/// takes a sub-context only as a top-level dictionary, which the strict
/// context (`StrictValue`) is not.
enum WithTag {
    static func register(in extension: Extension) {
        `extension`.registerTag("with", parser: parse)
    }

    static func parse(_ parser: TokenParser, token: Token) throws -> NodeType {
        let bindings = try token.components.dropFirst().map { component throws -> (String, Variable) in
            let parts = component.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw TemplateSyntaxError("'{% \(token.contents) %}': a with block binds names as 'name=value', found '\(component)'")
            }
            return (String(parts[0]), Variable(String(parts[1])))
        }
        guard !bindings.isEmpty else {
            throw TemplateSyntaxError("'{% \(token.contents) %}' binds no name; write '{% with name=value %}'")
        }
        let nodes = try parser.parse(until(["endwith"]))
        guard parser.nextToken()?.contents == "endwith" else {
            throw TemplateSyntaxError("'{% \(token.contents) %}' has no '{% endwith %}'")
        }
        return WithNode(bindings: bindings, nodes: nodes, token: token)
    }
}

/// A parsed `{% with %}` block.
struct WithNode: NodeType {
    let bindings: [(name: String, value: Variable)]
    let nodes: [NodeType]
    let token: Token?

    func render(_ context: Context) throws -> String {
        var values: [String: Any] = [:]
        // A name the strict context lacks resolves to nil and is noted
        // there; the renderer then fails naming it.
        for binding in bindings {
            values[binding.name] = try binding.value.resolve(context)
        }
        return try context.push(dictionary: values) { try renderNodes(nodes, context) }
    }
}
