import Foundation
import Stencil
import Testing
@testable import Gen

/// mqgen's one-pass lexer gives the tokens Stencil's own lexer gives (its
/// kind, contents and whitespace behaviour; the source location is not
/// compared, as Stencil's takes the first line with the same text): on
/// every template, and on the corners of Stencil's scanner.
@Suite struct TemplateLexerTests {
    static func expectSameTokens(_ text: String, _ label: String) {
        let stencil = Template(templateString: text, name: label).tokens
        let ours = TemplateLexer.tokens(text, name: label)
        #expect(ours.count == stencil.count, "\(label): \(ours.count) tokens, Stencil has \(stencil.count)")
        for (index, (mine, theirs)) in zip(ours, stencil).enumerated() {
            #expect(mine.kind == theirs.kind && mine.contents == theirs.contents && mine.whitespace == theirs.whitespace,
                    "\(label): token \(index): \(mine.kind) '\(mine.contents)' \(String(describing: mine.whitespace)), Stencil: \(theirs.kind) '\(theirs.contents)' \(String(describing: theirs.whitespace))")
            #expect(mine.sourceMap.filename == label)
        }
    }

    @Test func everyTemplateLexesAsStencilLexesIt() throws {
        let names = Repo.templateDirectory.names()
        #expect(names.count >= 10)
        for name in names {
            Self.expectSameTokens(try String(contentsOfFile: "\(Repo.templateDirectory.path)/\(name)", encoding: .utf8), name)
        }
    }

    @Test(arguments: [
        "", "plain text, no tags\n", "{", "}", "{{", "{%", "x {% if a %}", "{{ a }", "{{{ a }}}", "{ {% a %} }",
        "{%- a -%}", "{%+ a +%}", "{%- a %}\n  text\n{% b -%}", "{% a\n   b %}", "{#  comment  #}", "{#}", "{%}",
        "a {{ x }}b{{ y }}\n{% for i in l %}{{ i }}{% endfor %}", "{% a %}{", "text {# unclosed", "é{% a %}ü\n{{ b }}",
        "{{ \"}\" }}", "{% a \"%}\" %}", "  {{ x }}  \n", "x  \n{% b %}\n y \n",
    ])
    func theCornersOfStencilsScanner(text: String) {
        Self.expectSameTokens(text, "corner")
    }
}
