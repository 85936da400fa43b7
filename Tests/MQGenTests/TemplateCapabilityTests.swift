import BlockIR
import Foundation
@testable import MQGen
import Testing

/// Every `ctx.features.<name>` in the templates, misspelled one at a time,
/// fails rendering with an error naming it, in one of the era table's two
/// ends (no capability, every capability) with one of the two disk APIs
/// (6.1's queue setters, 6.12's limits), which between them take every
/// branch. Before, a misspelling rendered the older API without a word.
@Suite struct TemplateCapabilityTests {
    static func occurrences() throws -> [(template: String, range: Range<String.Index>, name: String)] {
        var found: [(String, Range<String.Index>, String)] = []
        for name in Repo.templateDirectory.names() {
            let text = try String(contentsOfFile: "\(Repo.templateDirectory.path)/\(name)", encoding: .utf8)
            for match in text.matches(of: /ctx\.features\.(\w+)/) { found.append((name, match.range, String(match.1))) }
        }
        return found
    }

    @Test func everyCapabilityATemplateNamesIsInTheTable() throws {
        let names = Set(try Self.occurrences().map(\.name))
        #expect(names.count >= 4)
        #expect(names.subtracting(KernelFeature.allCases.map(\.rawValue)).isEmpty)
    }

    @Test func aMisspelledCapabilityFailsRendering() throws {
        let apis = [try DebianTree.v6_1.api, try DebianTree.v6_12.api]
        let occurrences = try Self.occurrences()
        #expect(occurrences.count >= 10)
        for occurrence in occurrences {
            let copy = temporaryDirectory()
            try FileManager.default.copyItem(atPath: Repo.templateDirectory.path, toPath: copy)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            var text = try String(contentsOfFile: "\(copy)/\(occurrence.template)", encoding: .utf8)
            let misspelled = occurrence.name + "Typo"
            text.replaceSubrange(occurrence.range, with: "ctx.features.\(misspelled)")
            try write(text, to: "\(copy)/\(occurrence.template)")
            let renderer = try Renderer(templates: .directory(try TemplateDirectory.locate(copy)))
            let errors = apis.flatMap { api in
                [KernelFeatures.none, .all].compactMap { features -> GenError? in
                    do throws(GenError) { _ = try renderer.render(api, features: features); return nil } catch { return error }
                }
            }
            #expect(errors.contains { $0.description.contains("asks for the capability '\(misspelled)'") },
                    "\(occurrence.template): \(misspelled) rendered without an error")
        }
    }
}
