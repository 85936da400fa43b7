import Foundation

/// Where the Stencil templates come from: `--templates DIR`, else
/// `$MQGEN_TEMPLATES`, else the copy compiled into mqgen
/// (`EmbeddedTemplates`), so that the binary runs from anywhere.
public enum TemplateSource: Sendable, Equatable {
    case directory(TemplateDirectory)
    case embedded

    public static func resolve(explicit: String? = nil) throws(GenError) -> TemplateSource {
        guard let path = explicit ?? ProcessInfo.processInfo.environment["MQGEN_TEMPLATES"] else { return .embedded }
        return .directory(try TemplateDirectory.locate(path))
    }
}

/// A directory of templates (`Templates/` of a checkout, for template work).
public struct TemplateDirectory: Sendable, Equatable {
    public let path: String

    public static func locate(_ path: String) throws(GenError) -> TemplateDirectory {
        guard FileManager.default.fileExists(atPath: "\(path)/rust") else {
            throw .templates("\(path): no templates there (expected rust/ and c/); pass --templates DIR or set MQGEN_TEMPLATES")
        }
        return TemplateDirectory(path: path)
    }

    /// Every template file below the directory, by name, sorted.
    public func names() -> [String] {
        let files = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        return files.filter { $0.hasSuffix(".stencil") }.sorted()
    }
}
