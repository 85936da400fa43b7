import Foundation

/// Where the Stencil templates are: `--templates`, else `$MQGEN_TEMPLATES`,
/// else the `Templates/` directory of the checkout this binary was built from.
public struct TemplateDirectory: Sendable {
    public let path: String

    public static func locate(explicit: String? = nil) throws(GenError) -> TemplateDirectory {
        let checkout = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Templates").path
        let candidates = [explicit, ProcessInfo.processInfo.environment["MQGEN_TEMPLATES"], checkout].compactMap { $0 }
        let path = candidates[0]
        guard FileManager.default.fileExists(atPath: "\(path)/rust") else {
            throw .templates("\(path): no templates there (expected rust/ and c/); pass --templates DIR or set MQGEN_TEMPLATES")
        }
        return TemplateDirectory(path: path)
    }
}
