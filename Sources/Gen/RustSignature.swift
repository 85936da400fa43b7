/// A Rust function signature laid out as rustfmt lays it out (max_width 100,
/// parameters "Tall"): on one line if it fits, else one parameter a line
/// with a trailing comma.
struct RustSignature {
    var prefix: String
    var name: String
    var parameters: [(name: String, type: String)]
    var result: String?

    static let maxWidth = 100

    /// The signature followed by ` {`, at `indent` spaces.
    func opening(indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        let tail = (result.map { " -> \($0)" } ?? "") + " {"
        let params = parameters.map { "\($0.name): \($0.type)" }
        let flat = "\(pad)\(prefix)\(name)(\(params.joined(separator: ", ")))\(tail)"
        if flat.count <= Self.maxWidth { return flat }
        let inner = params.map { "\(pad)    \($0)," }.joined(separator: "\n")
        return "\(pad)\(prefix)\(name)(\n\(inner)\n\(pad))\(tail)"
    }

    /// The whole function with an empty body: `{}` after a one-line
    /// signature, a closing brace on its own line after a tall one.
    func emptyFunction(indent: Int) -> String {
        let open = opening(indent: indent)
        return open.contains("\n") ? open + "\n" + String(repeating: " ", count: indent) + "}" : open + "}"
    }
}
