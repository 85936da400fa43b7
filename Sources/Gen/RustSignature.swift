/// A callback's Rust signature as data, which
/// `Templates/rust/callback_signature.stencil` writes out.
struct RustCallback {
    struct Parameter {
        var name: String
        var type: String
    }

    /// The C member's name; the function is `<name>_callback`.
    var name: String
    var parameters: [Parameter]
    /// The Rust result type; nil for `()`.
    var result: String?
    /// Whether rustfmt puts one parameter on each line (with a trailing
    /// comma): "Tall" parameters, used when the one-line form at the impl's
    /// indent is wider than `max_width` (100, the kernel's `.rustfmt.toml`).
    var tall: Bool

    static let maxWidth = 100

    init(name: String, parameters: [Parameter], result: String?) {
        self.name = name
        self.parameters = parameters
        self.result = result
        // The width of the line the partial writes when it fits: measured
        // here because a template cannot count, and checked by rustfmt in
        // the tests (GeneratedCodeTests.everyEraIsRustfmtClean).
        let list = parameters.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
        let line = "    unsafe extern \"C\" fn \(name)_callback(\(list))" + (result.map { " -> \($0)" } ?? "") + " {"
        tall = line.count > Self.maxWidth
    }
}
