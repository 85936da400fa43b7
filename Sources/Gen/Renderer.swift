import BlockIR
import Dispatch
import KernelHeaders
import Stencil
import Synchronization
import Writer

/// Renders the file table from the templates.
///
/// Loading (lexing and parsing) the templates is most of the cost and needs
/// no IR, so a caller can make the renderer while the headers are parsed.
public struct Renderer: Sendable {
    private let library: TemplateLibrary

    /// Lexes and parses every template of the file table, and what they
    /// include, from memory (`TemplateSet` read and checked them).
    public init(templates: TemplateSource) throws(GenError) {
        library = try TemplateLibrary(set: TemplateSet(source: templates, roots: FileTable.templates))
    }

    /// The kernel files for `api`, in the era `features` describes (by
    /// default, that of the parsed release).
    public func render(_ api: BlockLayerAPI, features: KernelFeatures? = nil) throws(GenError) -> GeneratedTree {
        let features = features ?? KernelFeatures(release: api.kernel)
        let context = try TemplateContext(api: api, features: features)
        let table = FileTable.files(for: features)
        // The files are independent and the parsed templates are only read
        // while rendering, so they render on every core at once. An error
        // is the one of the first file in the table's order that fails, as
        // in a render one file after the other.
        let results = Mutex([Result<String, GenError>?](repeating: nil, count: table.count))
        DispatchQueue.concurrentPerform(iterations: table.count) { index in
            let result = Result { () throws(GenError) in try render(table[index].template, context: context, era: features) }
            results.withLock { $0[index] = result }
        }
        var files: [String: String] = [:]
        for (file, result) in zip(table, results.withLock { $0 }) {
            files[file.path] = try result!.get()
        }
        return GeneratedTree(files: files)
    }

    /// The Swift ops table and status codes of `FileTable.modelFiles`.
    public func renderModel(_ api: BlockLayerAPI) throws(GenError) -> GeneratedTree {
        let context = try ModelContext(api: api)
        var files: [String: String] = [:]
        for file in FileTable.modelFiles {
            files[file.path] = try render(file.template, context: context)
        }
        return GeneratedTree(files: files)
    }

    /// Fails on a name the context does not have (`StrictValue`), where
    /// Stencil alone would render nothing in its place.
    func render(_ name: String, context: Any, era: KernelFeatures? = nil) throws(GenError) -> String {
        let unknown = UnknownNames()
        var variables: [String: Any] = ["ctx": StrictValue(value: context, names: unknown)]
        if let era { variables[EraTag.contextKey] = era }
        let text: String
        do { text = try library.render(name, variables) } catch {
            throw .render(template: name, reason: "\(error)")
        }
        if let missing = unknown.take().first {
            throw .render(template: name, reason: "asks for '\(missing)', which the template context does not have; the context's types (Context.swift, ModelSpec.swift) list what it holds")
        }
        return Self.normalized(text)
    }

    /// No trailing blanks on any line, exactly one newline at the end.
    ///
    /// Done on the UTF-8 bytes (a split into `Character`s and a join took
    /// 16 M instructions for the 6.12 tree's files). A space or tab byte is
    /// always a `Character` of its own, and a line ends where a `Character`
    /// split ends it: at a `\n` not part of a `\r\n`.
    static func normalized(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 1)
        var lineStarts = [0], previous: UInt8 = 0
        for byte in text.utf8 {
            defer { previous = byte }
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") {
                trimBlanks(&output, downTo: lineStarts.last!)
                output.append(byte)
                lineStarts.append(output.count)
            } else {
                output.append(byte)
            }
        }
        trimBlanks(&output, downTo: lineStarts.last!)
        // Empty last lines go, with the newlines before them.
        while lineStarts.count > 1, output.count == lineStarts.last! {
            lineStarts.removeLast()
            output.removeLast()
        }
        output.append(UInt8(ascii: "\n"))
        return String(decoding: output, as: UTF8.self)
    }

    private static func trimBlanks(_ bytes: inout [UInt8], downTo start: Int) {
        while bytes.count > start, bytes.last == UInt8(ascii: " ") || bytes.last == UInt8(ascii: "\t") { bytes.removeLast() }
    }
}
