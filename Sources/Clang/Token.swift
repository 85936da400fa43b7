import CClang

/// A raw lexical token.
public struct Token {
    public enum Kind: Sendable {
        case punctuation, keyword, identifier, literal, comment
    }

    public let kind: Kind
    public let spelling: String
    public let location: SourceLocation

    init(_ raw: CXToken, in unit: TranslationUnit) {
        kind = switch clang_getTokenKind(raw) {
        case CXToken_Punctuation: .punctuation
        case CXToken_Keyword: .keyword
        case CXToken_Identifier: .identifier
        case CXToken_Literal: .literal
        default: .comment
        }
        spelling = String(consuming: clang_getTokenSpelling(unit.raw, raw))
        location = SourceLocation(clang_getTokenLocation(unit.raw, raw))
    }
}
