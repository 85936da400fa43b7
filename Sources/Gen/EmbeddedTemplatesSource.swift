/// Writes `EmbeddedTemplates.swift`: every template of `Templates/` as a
/// Swift raw string, so that the mqgen binary needs no checkout. The file is
/// a golden of the tests (`EmbeddedTemplatesTests`), regenerated as the
/// others are, with `MQGEN_UPDATE_GOLDENS=1`.
public enum EmbeddedTemplatesSource {
    public static let path = "Sources/Gen/EmbeddedTemplates.swift"

    public static func swift(_ templates: [String: String]) -> String {
        var lines = [
            "// Generated from Templates/ by EmbeddedTemplatesTests; do not edit.",
            "// Regenerate: MQGEN_UPDATE_GOLDENS=1 swift test --filter EmbeddedTemplatesTests",
            "",
            "/// The templates compiled into mqgen, by name under `Templates/`.",
            "enum EmbeddedTemplates {",
            "    static let texts: [String: String] = [",
        ]
        for name in templates.keys.sorted() {
            let text = templates[name]!
            let hashes = String(repeating: "#", count: delimiterLength(for: text))
            lines.append("        \"\(name)\": \(hashes)\"\"\"")
            // The line break before the closing delimiter is not part of
            // the literal: the blank line keeps the text's own last newline.
            lines.append(text + "\n\"\"\"\(hashes),")
        }
        lines += ["    ]", "}", ""]
        return lines.joined(separator: "\n")
    }

    /// The fewest `#` with which neither the closing delimiter nor an
    /// escape can occur in `text`.
    static func delimiterLength(for text: String) -> Int {
        var count = 1
        while text.contains("\"\"\"" + String(repeating: "#", count: count)) || text.contains("\\" + String(repeating: "#", count: count)) {
            count += 1
        }
        return count
    }
}
