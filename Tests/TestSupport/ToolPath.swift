import Foundation

/// Where the programs the tests run are.
public enum ToolPath {
    /// `name` itself when it is a path, else the first executable of that
    /// name in `PATH`, then rustup's `~/.cargo/bin`, then `/usr/bin`.
    public static func resolve(_ name: String) throws -> String {
        if name.contains("/") { return name }
        guard let found = find(name) else { throw NotFound(name: name) }
        return found
    }

    /// `name` in `PATH`, `~/.cargo/bin` or `/usr/bin`; nil when none has it.
    public static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["\(NSHomeDirectory())/.cargo/bin", "/usr/bin", "/usr/sbin", "/sbin", "/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A product of this package (`mqgen`, `mqgen-serve`) from the build the
    /// tests themselves come from (`swift test -c release` tests release
    /// binaries), never a fixed `.build/debug`.
    public static func product(_ name: String) -> String {
        buildDirectory.appendingPathComponent(name).path
    }

    /// The directory the running test bundle was built into: on Linux the
    /// test runner is `<build>/<package>PackageTests.xctest`.
    static var buildDirectory: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent()
    }

    public struct NotFound: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "\(name): not found in PATH (Scripts/setup installs the tools the tests run)" }
    }
}
