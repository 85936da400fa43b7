import Foundation

/// A second, deliberately simple reader of C struct members, independent of
/// libclang and of mqgen's own parser: it strips comments, finds
/// `struct NAME {` in the header's text, and takes the declared name of each
/// `;`-terminated member at the top level of the braces. Preprocessor lines
/// are skipped, so members of every `#ifdef` branch are listed.
enum HeaderText {
    static func memberNames(ofStruct name: String, inHeader path: String) throws -> [String] {
        try members(ofStruct: name, inHeader: path).map(\.name)
    }

    /// Each member's name and its declaration as written, white space
    /// folded to single blanks.
    static func members(ofStruct name: String, inHeader path: String) throws -> [(name: String, declaration: String)] {
        let code = try code(ofHeader: path)
        guard let open = code.range(of: "struct \(name) {") else { return [] }
        var members: [(String, String)] = []
        var depth = 0, statement = ""
        for character in code[open.upperBound...] {
            switch character {
            case "{", "(", "[": depth += 1; statement.append(character)
            case "}" where depth == 0: return members
            case "}", ")", "]": depth -= 1; statement.append(character)
            case ";" where depth == 0:
                if let member = declaredName(statement) {
                    members.append((member, statement.split(whereSeparator: \.isWhitespace).joined(separator: " ")))
                }
                statement = ""
            default: statement.append(character)
            }
        }
        return members
    }

    /// `int (*open)(struct gendisk *, blk_mode_t)` -> `open`;
    /// `struct module *owner` -> `owner`.
    static func declaredName(_ declaration: String) -> String? {
        if let star = declaration.range(of: "(*") {
            return String(declaration[star.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        }
        let head = declaration.split(separator: "[").first ?? Substring(declaration)
        return head.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).last.map(String.init)
    }

    /// The names of `enum NAME`'s enumerators, in order: the identifier
    /// that starts each comma-separated item between its braces.
    static func enumeratorNames(ofEnum name: String, inHeader path: String) throws -> [String] {
        let code = try code(ofHeader: path)
        guard let open = code.range(of: "enum \(name) {"), let close = code[open.upperBound...].firstIndex(of: "}") else { return [] }
        return code[open.upperBound..<close].split(separator: ",").compactMap { item in
            let word = item.drop { $0.isWhitespace }.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return word.isEmpty ? nil : String(word)
        }
    }

    /// The header's text without comments and preprocessor lines, so that
    /// the declarations of every `#ifdef` branch read as one.
    static func code(ofHeader path: String) throws -> String {
        let text = withoutComments(try String(contentsOfFile: path, encoding: .utf8))
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }.joined(separator: "\n")
    }

    static func withoutComments(_ text: String) -> String {
        var result = "", index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("/*"), let end = rest.range(of: "*/") {
                index = end.upperBound
            } else if rest.hasPrefix("//") {
                index = rest.firstIndex(of: "\n") ?? text.endIndex
            } else {
                result.append(text[index])
                index = text.index(after: index)
            }
        }
        return result
    }
}
