import Foundation
import Testing
@testable import Gen
@testable import KernelHeaders

/// Every `{% era <capability> %}` in the templates, misspelled one at a time,
/// fails rendering with an error naming the template and the name: for
/// every tree, whichever branch that tree would take (Stencil parses the
/// whole template before it renders any of it). (A variable such as `ctx.features.queuData` would render the
/// older API without a word: Stencil reads an unknown name as nothing.)
@Suite struct TemplateCapabilityTests {
    static func occurrences() throws -> [(template: String, range: Range<String.Index>, name: String)] {
        var found: [(String, Range<String.Index>, String)] = []
        for name in Repo.templateDirectory.names() {
            let text = try String(contentsOfFile: "\(Repo.templateDirectory.path)/\(name)", encoding: .utf8)
            for match in text.matches(of: /\{% era (\w+) %\}/) { found.append((name, match.1.startIndex..<match.1.endIndex, String(match.1))) }
        }
        return found
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
            let copy = temporaryDirectory()
            try FileManager.default.copyItem(atPath: Repo.templateDirectory.path, toPath: copy)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            var text = try String(contentsOfFile: "\(copy)/\(occurrence.template)", encoding: .utf8)
            let misspelled = occurrence.name + "Typo"
            text.replaceSubrange(occurrence.range, with: misspelled)
            try write(text, to: "\(copy)/\(occurrence.template)")
            let renderer = try Renderer(templates: .directory(try TemplateDirectory.locate(copy)))
            let error = #expect(throws: GenError.self) { _ = try renderer.render(api) }
            let message = error?.description ?? ""
            #expect(message.contains(occurrence.template) && message.contains("asks for the capability '\(misspelled)'"),
                    "\(occurrence.template): \(misspelled): \(message)")
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
