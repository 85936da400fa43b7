import Foundation
import KernelHeaders
import Writer

/// The text of every template a file table renders, and of every template
/// they include or extend, read before anything renders.
///
/// Stencil's own file loader opens a template when a render reaches it:
/// a FIFO there blocks, and a template that includes or extends itself
/// (directly or through others) recurses until the stack or the memory
/// runs out. Here every file is read once, without blocking and only if it
/// is a regular file, and the graph of `{% include %}` and `{% extends %}`
/// is walked first: a cycle is an error naming it. For that, templates name
/// what they include by a literal string, never a variable.
struct TemplateSet {
    /// Template text by name (a path relative to the templates directory).
    private(set) var texts: [String: String] = [:]
    /// Where the templates come from, as messages name them.
    let label: String
    private let read: (String) throws(GenError) -> String

    init(source: TemplateSource, roots: [String]) throws(GenError) {
        switch source {
        case .directory(let directory):
            label = directory.path
            read = { name throws(GenError) in try Self.read(name, in: directory.path) }
        case .embedded:
            label = "<templates compiled into mqgen>"
            read = { name throws(GenError) in
                guard let text = EmbeddedTemplates.texts[name] else { throw .render(template: name, reason: "no such template") }
                return text
            }
        }
        for root in roots {
            var path: [String] = []
            try load(root, path: &path)
        }
    }

    /// Loads `name` and what it references, depth first; `path` is the
    /// chain of references that led here, for naming a cycle.
    private mutating func load(_ name: String, path: inout [String]) throws(GenError) {
        if let start = path.firstIndex(of: name) {
            let cycle = (path[start...] + [name]).joined(separator: " -> ")
            throw .render(template: "\(label)/\(name)", reason: "includes or extends itself (\(cycle)); a template must not reach itself")
        }
        if texts[name] == nil { texts[name] = try read(name) }
        path.append(name)
        for reference in try Self.references(in: texts[name]!, of: "\(label)/\(name)") {
            try load(reference, path: &path)
        }
        path.removeLast()
    }

    private static func read(_ name: String, in directory: String) throws(GenError) -> String {
        let components = name.split(separator: "/")
        guard !name.hasPrefix("/"), !components.contains("..") else {
            throw .render(template: "\(directory)/\(name)", reason: "a template name must stay inside the templates directory")
        }
        let data: Data?
        do { data = try FileSystem.read("\(directory)/\(name)") } catch {
            throw .render(template: "\(directory)/\(name)", reason: error.reason)
        }
        guard let data else { throw .render(template: "\(directory)/\(name)", reason: "no such template") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The names `{% include "x" %}` and `{% extends "x" %}` tags give, and
    /// the partial of each capability an `{% era %}` tag asks for. (An
    /// unknown capability is left to the tag, which names it when the
    /// template is parsed.)
    static func references(in text: String, of template: String) throws(GenError) -> [String] {
        var names: [String] = []
        for (keyword, argument) in tags(in: text) {
            if keyword == "era" {
                if let feature = KernelFeature(rawValue: String(argument)) { names.append(EraTag.partial(for: feature)) }
                continue
            }
            guard let quote = argument.first, quote == "\"" || quote == "'",
                  let end = argument.dropFirst().firstIndex(of: quote) else {
                throw .render(template: template, reason: "'{% \(keyword) \(argument) %}' names its template by a variable; name it by a literal string, so that mqgen can check for cycles before rendering")
            }
            names.append(String(argument[argument.index(after: argument.startIndex)..<end]))
        }
        return names
    }

    /// What the regex `\{%-?\s*(include|extends|era)\s+(\S+)` matches, found by
    /// hand: the keyword and the argument of each tag. Swift's Regex took
    /// 33 M instructions on the ten templates, more than Stencil's lexer.
    static func tags(in text: String) -> [(keyword: Substring, argument: Substring)] {
        var tags: [(Substring, Substring)] = []
        var rest = text[...]
        while let brace = rest.utf8.firstIndex(of: UInt8(ascii: "{")) {
            rest = rest[rest.utf8.index(after: brace)...]
            guard rest.utf8.first == UInt8(ascii: "%") else { continue }
            rest = rest.dropFirst()
            var cursor = rest.first == "-" ? rest.dropFirst() : rest
            cursor = cursor.drop(while: \.isWhitespace)
            guard let keyword = ["include", "extends", "era"].first(where: { cursor.hasPrefix($0) }) else { continue }
            let afterKeyword = cursor.dropFirst(keyword.count)
            let argument = afterKeyword.drop(while: \.isWhitespace).prefix { !$0.isWhitespace }
            guard argument.startIndex != afterKeyword.startIndex, !argument.isEmpty else { continue }
            tags.append((cursor.prefix(keyword.count), argument))
            rest = rest[argument.endIndex...]
        }
        return tags
    }
}
