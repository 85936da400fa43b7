import Stencil

/// Splits a template into Stencil's tokens in one pass.
///
/// Stencil's lexer is quadratic in a template's length: before it scans, it
/// searches the whole text for every line it has (`range(of:)`, for source
/// locations), and it searches the text again for every tag. On mqgen's
/// templates that took about 800 M instructions, more than libclang's parse
/// of the headers (callgrind, `Scripts/bench-parse`). Here the text is cut
/// where Stencil's scanner cuts it (a `{` followed by `{`, `%` or `#` opens
/// a token, the first `}}`, `%}` or `#}` after it closes it). Text between
/// tags is a text token as it stands, as in Stencil; each tag is lexed by
/// Stencil itself, alone, so its kind, contents and whitespace behaviour are
/// the ones Stencil would make. Only the source location differs: every
/// token names the template, not a line (`TemplateLexerTests` holds the
/// tokens to Stencil's on every template).
enum TemplateLexer {
    static func tokens(_ text: String, name: String) -> [Token] {
        let place = sourceMap(name: name)
        var tokens: [Token] = []
        let bytes = text.utf8
        var cursor = bytes.startIndex
        while cursor != bytes.endIndex {
            guard let (open, closer) = tokenStart(in: bytes[cursor...]) else {
                tokens.append(.text(value: String(text[cursor...]), at: place))
                break
            }
            if open != cursor { tokens.append(.text(value: String(text[cursor..<open]), at: place)) }
            guard let end = tokenEnd(in: bytes[open...], closer: closer) else {
                // Stencil's scanner gives an unclosed tag as one empty text.
                tokens.append(.text(value: "", at: place))
                break
            }
            tokens += tag(String(text[open..<end]), name: name)
            cursor = end
        }
        return tokens
    }

    /// Where the next token opens, and the character that closes it.
    private static func tokenStart(in bytes: Substring.UTF8View) -> (String.Index, UInt8)? {
        var previous: String.Index?
        for index in bytes.indices {
            let byte = bytes[index]
            if let brace = previous, let closer = closers[byte] { return (brace, closer) }
            previous = byte == UInt8(ascii: "{") ? index : nil
        }
        return nil
    }

    /// Just past the token that opens at the start of `bytes`: the first
    /// `}` that follows `closer`, the opening two characters included, as
    /// Stencil's scanner has it.
    private static func tokenEnd(in bytes: Substring.UTF8View, closer: UInt8) -> String.Index? {
        var afterCloser = false
        for index in bytes.indices {
            let byte = bytes[index]
            if afterCloser && byte == UInt8(ascii: "}") { return bytes.index(after: index) }
            afterCloser = byte == closer
        }
        return nil
    }

    private static let closers: [UInt8: UInt8] = [
        UInt8(ascii: "{"): UInt8(ascii: "}"),
        UInt8(ascii: "%"): UInt8(ascii: "%"),
        UInt8(ascii: "#"): UInt8(ascii: "#"),
    ]

    /// A tag, lexed by Stencil: one token.
    private static func tag(_ tag: String, name: String) -> [Token] {
        Template(templateString: tag, name: name).tokens
    }

    /// A source map naming the template (Stencil makes them only in its
    /// lexer).
    private static func sourceMap(name: String) -> SourceMap {
        Template(templateString: " ", name: name).tokens[0].sourceMap
    }
}
