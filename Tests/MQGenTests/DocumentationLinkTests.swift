import Foundation
import Testing

/// The README and `docs/` link to each other by relative paths and
/// heading anchors; each link must name a file that exists and, with a
/// `#fragment`, a heading of that file (GitHub's anchor of it). Every page
/// of `docs/` is reachable from the README.
@Suite struct DocumentationLinkTests {
    static let pages = ["README.md"] + ((try? FileManager.default.contentsOfDirectory(atPath: "\(Repo.root)/docs")) ?? [])
        .filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }

    @Test func everyLinkLeadsSomewhere() throws {
        #expect(Self.pages.count >= 8)
        for page in Self.pages {
            for link in try Self.links(in: page) where !link.hasPrefix("http://") && !link.hasPrefix("https://") {
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let directory = (page as NSString).deletingLastPathComponent
                let target = parts[0].isEmpty ? page : ((directory as NSString).appendingPathComponent(parts[0]) as NSString).standardizingPath
                #expect(FileManager.default.fileExists(atPath: "\(Repo.root)/\(target)"), "\(page): dead link \(link)")
                if parts.count == 2, target.hasSuffix(".md") {
                    #expect(try Self.anchors(in: target).contains(parts[1]), "\(page): no heading #\(parts[1]) in \(target)")
                }
            }
        }
    }

    @Test func everyPageIsLinkedFromTheReadme() throws {
        let linked = Set(try Self.links(in: "README.md").map { String($0.split(separator: "#")[0]) })
        for page in Self.pages where page != "README.md" {
            #expect(linked.contains(page), "\(page) is not linked from the README")
        }
    }

    /// `[text](target)` outside code spans and blocks.
    static func links(in page: String) throws -> [String] {
        let text = try String(contentsOfFile: "\(Repo.root)/\(page)", encoding: .utf8)
        var links: [String] = []
        var fenced = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { fenced.toggle() }
            if fenced || line.hasPrefix("    ") { continue }
            let prose = line.replacing(/`[^`]*`/, with: "")
            links += prose.matches(of: /\]\(([^)\s]+)\)/).map { String($0.1) }
        }
        return links
    }

    /// GitHub's anchors of a page's headings: lower case, punctuation
    /// other than `-` and `_` dropped, blanks as `-`.
    static func anchors(in page: String) throws -> Set<String> {
        let text = try String(contentsOfFile: "\(Repo.root)/\(page)", encoding: .utf8)
        return Set(text.split(separator: "\n").filter { $0.hasPrefix("#") }.map { heading in
            let title = heading.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces).lowercased()
            return String(title.compactMap { character -> Character? in
                if character == " " { return "-" }
                return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
            })
        })
    }
}
