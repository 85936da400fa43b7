import Foundation

/// A unified diff of two texts, by `diff -u` (diffutils is on every Debian).
public enum UnifiedDiff {
    public static func between(_ old: String, _ new: String, label: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqgen-diff-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = directory.appendingPathComponent("a"), b = directory.appendingPathComponent("b")
        try? Data(old.utf8).write(to: a)
        try? Data(new.utf8).write(to: b)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        process.arguments = ["-u", "--label", "a/\(label)", "--label", "b/\(label)", a.path, b.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "(diff unavailable)\n" }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }
}
