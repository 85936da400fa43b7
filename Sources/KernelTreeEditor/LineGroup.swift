import Foundation

/// Lines of one kind in a kernel file, each known by the name it declares,
/// which is also what the group is sorted by.
///
/// A line is recognised by its tokens rather than one spelling: comments,
/// blanks, attributes on the same line and visibility do not matter, so a
/// declaration the user wrote differently is still found.
public enum LineGroup: Sendable, Equatable {
    /// `#include <linux/x.h>`: the header path.
    case systemIncludes
    /// `#include "x.c"`: the file name.
    case localIncludes
    /// `mod x;`, `pub mod x;`, `pub(crate) mod x { ... }`: the module name.
    case modules
    /// `const T RUST_CONST_HELPER_X = X;`: the constant's name.
    case constHelpers

    func name(declaredBy line: Substring) -> Substring? {
        var tokens = LineTokens(line)
        switch self {
        case .systemIncludes, .localIncludes:
            guard tokens.take("#"), tokens.take("include") else { return nil }
            let (open, close): (Character, Character) = self == .systemIncludes ? ("<", ">") : ("\"", "\"")
            return tokens.delimited(open, close)
        case .modules:
            tokens.skipAttributes()
            if tokens.take("pub"), tokens.peek == "(" { _ = tokens.delimited("(", ")") }
            guard tokens.take("mod"), let name = tokens.identifier(), tokens.take(";") || tokens.take("{") else { return nil }
            return name
        case .constHelpers:
            guard tokens.take("const") else { return nil }
            while let word = tokens.identifier() {
                if word.hasPrefix("RUST_CONST_HELPER_") { return word }
            }
            return nil
        }
    }
}

/// The tokens of one line of C or Rust, enough to tell what it declares.
struct LineTokens {
    private var rest: Substring

    init(_ line: Substring) {
        rest = line
        if let comment = line.range(of: "//") { rest = line[..<comment.lowerBound] }
        skipBlanks()
    }

    var peek: Character? { rest.first }

    /// Takes `word` (a punctuation mark or a whole identifier) if it comes next.
    mutating func take(_ word: String) -> Bool {
        guard rest.hasPrefix(word) else { return false }
        let after = rest.dropFirst(word.count)
        if word.last!.isLetter, let next = after.first, next.isLetter || next.isNumber || next == "_" { return false }
        rest = after
        skipBlanks()
        return true
    }

    mutating func identifier() -> Substring? {
        let word = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard let first = word.first, !first.isNumber else {
            // Skip one token that is not an identifier (`*`, `=`), so that a caller can scan on.
            guard !rest.isEmpty else { return nil }
            rest = rest.dropFirst()
            skipBlanks()
            return identifier()
        }
        rest = rest.dropFirst(word.count)
        skipBlanks()
        return word
    }

    /// The text between `open` and the matching `close`, both taken.
    mutating func delimited(_ open: Character, _ close: Character) -> Substring? {
        guard rest.first == open, let end = rest.dropFirst().firstIndex(of: close) else { return nil }
        let inside = rest[rest.index(after: rest.startIndex)..<end]
        rest = rest[rest.index(after: end)...]
        skipBlanks()
        return inside.trimmingCharacters(in: .whitespaces).isEmpty ? nil : Substring(inside.trimmingCharacters(in: .whitespaces))
    }

    /// `#[...]` attributes before a Rust item on the same line.
    mutating func skipAttributes() {
        while rest.hasPrefix("#["), let end = rest.firstIndex(of: "]") {
            rest = rest[rest.index(after: end)...]
            skipBlanks()
        }
    }

    private mutating func skipBlanks() {
        rest = rest.drop { $0 == " " || $0 == "\t" }
    }
}
