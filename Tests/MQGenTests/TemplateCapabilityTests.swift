import Foundation
import Testing
@testable import Gen
@testable import KernelHeaders

/// Every `{% era <capability> <piece> %}` in the templates, with either name
/// misspelled one at a time, fails rendering with an error naming the
/// template and the name: for every tree, whichever version that tree would
/// take. (A variable such as `ctx.features.queuData` would render the older
/// API without a word: Stencil reads an unknown name as nothing.)
@Suite struct TemplateCapabilityTests {
    typealias Occurrence = (template: String, range: Range<String.Index>, name: String, piece: Range<String.Index>, pieceName: String)

    static func occurrences() throws -> [Occurrence] {
        var found: [Occurrence] = []
        for name in Repo.templateDirectory.names() {
            let text = try String(contentsOfFile: "\(Repo.templateDirectory.path)/\(name)", encoding: .utf8)
            for match in text.matches(of: /\{% era (\w+) ([\w.]+) %\}/) {
                found.append((name, match.1.startIndex..<match.1.endIndex, String(match.1), match.2.startIndex..<match.2.endIndex, String(match.2)))
            }
        }
        return found
    }

    /// A copy of the templates directory with `range` of `template` replaced.
    static func templates(replacing range: Range<String.Index>, in template: String, with replacement: String) throws -> String {
        let copy = temporaryDirectory()
        try FileManager.default.copyItem(atPath: Repo.templateDirectory.path, toPath: copy)
        var text = try String(contentsOfFile: "\(copy)/\(template)", encoding: .utf8)
        text.replaceSubrange(range, with: replacement)
        try write(text, to: "\(copy)/\(template)")
        return copy
    }

    /// The pieces each era partial defines, read as text (not by the tag).
    static func definedPieces() throws -> [String: Set<String>] {
        var pieces: [String: Set<String>] = [:]
        for name in Repo.templateDirectory.names() where name.hasPrefix("rust/eras/") {
            let text = try String(contentsOfFile: "\(Repo.templateDirectory.path)/\(name)", encoding: .utf8)
            let capability = String(name.dropFirst("rust/eras/".count).dropLast(".stencil".count))
            pieces[capability] = Set(text.matches(of: /\{% piece ([\w.]+) %\}/).map { String($0.1) })
        }
        return pieces
    }

    /// Each capability's partial is used, and every piece of it: a piece no
    /// template asks for is text that silently never renders.
    @Test func everyPieceOfAnEraPartialIsUsed() throws {
        let used = Dictionary(grouping: try Self.occurrences(), by: \.name).mapValues { Set($0.map(\.pieceName)) }
        let defined = try Self.definedPieces()
        #expect(defined.count >= 4)
        #expect(Set(defined.keys) == Set(used.keys), "era partials \(defined.keys.sorted()) against capabilities used \(used.keys.sorted())")
        for (capability, pieces) in defined {
            #expect(pieces == used[capability] ?? [], "rust/eras/\(capability).stencil: unused \(pieces.subtracting(used[capability] ?? []).sorted()), missing \(((used[capability] ?? []).subtracting(pieces)).sorted())")
        }
    }

    @Test func everyCapabilityATemplateNamesIsInTheTable() throws {
        let names = Set(try Self.occurrences().map(\.name))
        #expect(names.count >= 4)
        #expect(names.subtracting(KernelFeature.allCases.map(\.rawValue)).isEmpty)
    }

    /// The era reaches the templates only through the tag.
    @Test func noTemplateReadsTheEraAsAVariable() throws {
        for name in Repo.templateDirectory.names() {
            let text = try String(contentsOfFile: "\(Repo.templateDirectory.path)/\(name)", encoding: .utf8)
            #expect(!text.contains("ctx.features"), "\(name) reads the era as a variable; use {% era <capability> %}")
        }
    }

    @Test func aMisspelledCapabilityFailsRendering() throws {
        let api = try DebianTree.v6_12.api
        let occurrences = try Self.occurrences()
        #expect(occurrences.count >= 10)
        for occurrence in occurrences {
            let misspelled = occurrence.name + "Typo"
            let copy = try Self.templates(replacing: occurrence.range, in: occurrence.template, with: misspelled)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            // The templates are parsed when the renderer is made: the error
            // comes before any tree is rendered.
            let templates = TemplateSource.directory(try TemplateDirectory.locate(copy))
            let error = #expect(throws: GenError.self) { _ = try Renderer(templates: templates).render(api) }
            let message = error?.description ?? ""
            #expect(message.contains(occurrence.template) && message.contains("asks for the capability '\(misspelled)'"),
                    "\(occurrence.template): \(misspelled): \(message)")
        }
    }

    /// A misspelled piece fails for an era that takes the newer version of
    /// every piece and for one that takes the older, alike.
    @Test func aMisspelledPieceFailsRenderingForEveryEra() throws {
        let occurrence = try #require(try Self.occurrences().first { $0.name == "queueData" })
        let misspelled = occurrence.pieceName + "_typo"
        let copy = try Self.templates(replacing: occurrence.piece, in: occurrence.template, with: misspelled)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let renderer = try Renderer(templates: .directory(try TemplateDirectory.locate(copy)))
        let api = try DebianTree.v6_12.api
        for features in [KernelFeatures.none, KernelFeatures.all] {
            let error = #expect(throws: GenError.self) { _ = try renderer.render(api, features: features) }
            let message = error?.description ?? ""
            #expect(message.contains(occurrence.template) && message.contains("asks for the piece '\(misspelled)'"), "\(message)")
        }
    }

    /// Any other name the context lacks fails too, naming the type that lacks it.
    @Test(arguments: [
        ("rust/operations.rs.stencil", "{{ entry.field }}", "{{ entry.feild }}", "VTableEntry.feild"),
        ("rust/operations.rs.stencil", "callback=ctx.callbacks.queue_rq ", "callback=ctx.callbacks.queue_rqq ", "[\"queue_rqq\"]"),
        ("rust/gen_disk.rs.stencil", "ctx.disk.allocTakesLimits", "ctx.disk.alocTakesLimits", "DiskAPI.alocTakesLimits"),
        ("c/blk.c.stencil", "helper.returnsValue", "helper.returnValue", "HelperShim.returnValue"),
    ])
    func aMisspelledNameFailsRendering(template: String, find: String, replace: String, named: String) throws {
        let api = try DebianTree.v6_12.api
        let copy = temporaryDirectory()
        try FileManager.default.copyItem(atPath: Repo.templateDirectory.path, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let text = try String(contentsOfFile: "\(copy)/\(template)", encoding: .utf8)
        #expect(text.contains(find))
        try write(text.replacingOccurrences(of: find, with: replace), to: "\(copy)/\(template)")
        let renderer = try Renderer(templates: .directory(try TemplateDirectory.locate(copy)))
        let error = #expect(throws: GenError.self) { _ = try renderer.render(api) }
        let message = error?.description ?? ""
        #expect(message.hasPrefix(template) && message.contains("asks for '") && message.contains(named), "\(message)")
    }
}
