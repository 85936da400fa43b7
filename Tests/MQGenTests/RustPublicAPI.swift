import Foundation

/// The public API of Rust source files, read as text: every `pub` item (not
/// `pub(crate)`), and the methods and associated types of a `pub trait`,
/// each as a normalized signature. Parameter names and binding `mut` are
/// dropped, since callers never see them, and `Result<()>` is `Result`.
///
/// It compares a generated module with the hand-written one of the same
/// kernel, so it is written apart from mqgen's renderer and knows nothing
/// of its templates.
enum RustPublicAPI {
    /// Item signatures of one file, in source order.
    static func items(inFile path: String) throws -> [String] {
        items(in: try String(contentsOfFile: path, encoding: .utf8))
    }

    static func items(in source: String) -> [String] {
        let code = HeaderText.withoutComments(source)
        var items: [String] = []
        var depth = 0
        var traitDepth: Int?
        var index = code.startIndex
        while index < code.endIndex {
            let rest = code[index...]
            let atWordStart = index == code.startIndex || !isIdentifier(code[code.index(before: index)])
            if atWordStart, let (item, next) = item(at: rest, inTrait: traitDepth == depth - 1 && traitDepth != nil) {
                if rest.hasPrefix("pub trait ") { traitDepth = depth }
                items.append(item)
                index = next
                continue
            }
            switch code[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if let trait = traitDepth, depth == trait { traitDepth = nil }
            default: break
            }
            index = code.index(after: index)
        }
        return items
    }

    /// The item starting at `text`, and where scanning goes on (at its body's
    /// `{` or after its `;`, so that braces are still counted).
    private static func item(at text: Substring, inTrait: Bool) -> (String, String.Index)? {
        for keyword in ["pub fn ", "pub const ", "pub struct ", "pub trait ", "pub use ", "pub mod "] where text.hasPrefix(keyword) {
            let (head, end) = declaration(text)
            let kind = keyword.dropFirst(4).trimmingCharacters(in: .whitespaces)
            switch kind {
            case "fn": return ("fn " + normalizedFunction(head.dropFirst("pub fn ".count)), end)
            case "use": return ("use " + (head.split(separator: ":").last.map(String.init) ?? head), end)
            default:
                let name = head.dropFirst(keyword.count).prefix { isIdentifier($0) }
                return ("\(kind) \(name)" + (kind == "const" ? ": " + collapsed(head.split(separator: ":", maxSplits: 1).last ?? "") : ""), end)
            }
        }
        if inTrait {
            for keyword in ["fn ", "type "] where text.hasPrefix(keyword) {
                let (head, end) = declaration(text)
                return (keyword == "fn " ? "trait fn " + normalizedFunction(head.dropFirst(3)) : "trait " + collapsed(head), end)
            }
        }
        return nil
    }

    /// The text up to the item's body or `;` (parentheses and angle
    /// brackets may hold either), and the index of that `{` or after `;`.
    private static func declaration(_ text: Substring) -> (String, String.Index) {
        var depth = 0
        var index = text.startIndex
        while index < text.endIndex {
            switch text[index] {
            case "(", "<", "[": depth += 1
            case ")", "]": depth -= 1
            case ">" where text[text.index(before: index)] != "-": depth -= 1
            case "{" where depth == 0: return (String(text[..<index]), index)
            case ";" where depth == 0: return (String(text[..<index]), text.index(after: index))
            default: break
            }
            index = text.index(after: index)
        }
        return (String(text), text.endIndex)
    }

    /// `name<T: Operations>(mut self, size: u32) -> Result<()>` ->
    /// `name<T: Operations>(self, u32) -> Result`.
    static func normalizedFunction(_ signature: Substring) -> String {
        let text = collapsed(signature)
        guard let open = text.firstIndex(of: "(") else { return text }
        var depth = 0, close = open
        for index in text[open...].indices {
            if "(<[".contains(text[index]) { depth += 1 }
            if ")]".contains(text[index]) || (text[index] == ">" && text[text.index(before: index)] != "-") { depth -= 1 }
            if depth == 0 { close = index; break }
        }
        let parameters = splitTopLevel(text[text.index(after: open)..<close]).map { parameter -> String in
            var parameter = parameter.trimmingCharacters(in: .whitespaces)
            if parameter.hasPrefix("mut ") { parameter.removeFirst(4) }
            if parameter == "self" || parameter.hasPrefix("self:") || parameter.hasPrefix("&") { return parameter }
            guard let colon = parameter.firstIndex(of: ":") else { return parameter }
            return parameter[parameter.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        let result = text[text.index(after: close)...].trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "Result<()>", with: "Result")
        return "\(text[..<open])(\(parameters.joined(separator: ", ")))" + (result.isEmpty ? "" : " \(result)")
    }

    private static func splitTopLevel(_ text: Substring) -> [String] {
        var parts: [String] = [], current = "", depth = 0, previous: Character = " "
        for character in text {
            if "(<[".contains(character) { depth += 1 }
            if ")]".contains(character) || (character == ">" && previous != "-") { depth -= 1 }
            if character == ",", depth == 0 { parts.append(current); current = "" } else { current.append(character) }
            previous = character
        }
        parts.append(current)
        return parts
    }

    static func collapsed<S: StringProtocol>(_ text: S) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
            .replacingOccurrences(of: ", )", with: ")").replacingOccurrences(of: ",)", with: ")")
            .replacingOccurrences(of: "< ", with: "<").replacingOccurrences(of: " >", with: ">")
    }

    private static func isIdentifier(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }
}
