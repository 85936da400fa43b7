import Foundation

/// The entry points fuzzed by `mqgen-fuzz` (libFuzzer) and replayed over the
/// committed corpus by the tests: one function per target, so that the
/// replay runs exactly the code the fuzzer ran.
///
/// An input either passes, breaks an invariant (returned as text), or traps;
/// the fuzzer turns a broken invariant into a crash, the tests into a failure.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `#define` lines: each body through `MacroEvaluator`, as ConstantReader
    /// chains them, and checked against clang's constant evaluator.
    case macro
    /// A header's text, alone: its constants (`ConstantReader`), its `#if`
    /// structure (`ConditionalBlocks`), and each Kconfig `#if` checked against
    /// clang's preprocessor.
    case constants
    /// The text of `include/linux/blk-mq.h` in the fixture kernel tree,
    /// through the whole `HeaderScan`: an IR or a `HeaderError`.
    case header
    /// The text readers of a tree's build files: the top `Makefile`
    /// (version, dialect, Debian objtree), `version.h` and `autoconf.h`.
    case text
}

/// One target with its scratch directory, set up once and reused by every
/// input (a fuzzer runs thousands a second).
public final class FuzzHarness {
    public let target: FuzzTarget
    private let scratch: String
    private let run: ([UInt8]) -> [String]

    /// `fixtureKernel` is `Tests/Fixtures/kernel`: the small tree the header
    /// target parses against, and the `kconfig.h` the condition check uses.
    public init(target: FuzzTarget, fixtureKernel: String) throws {
        self.target = target
        scratch = try Scratch.makeDirectory(named: "mqgen-fuzz-\(target.rawValue)")
        switch target {
        case .macro: run = MacroFuzz(scratch: scratch).run
        case .constants: run = ConstantsFuzz(scratch: scratch, fixtureKernel: fixtureKernel).run
        case .header: run = try HeaderFuzz(scratch: scratch, fixtureKernel: fixtureKernel).run
        case .text: run = TextFuzz(scratch: scratch).run
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: scratch) }

    /// Runs one input; returns the invariants it broke, empty when none.
    public func callAsFunction(_ input: [UInt8]) -> [String] { run(input) }
}

enum Scratch {
    static func makeDirectory(named prefix: String) throws -> String {
        var template = Array("\(NSTemporaryDirectory())/\(prefix).XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }

    /// Writes the input's bytes as they are: a NUL or an invalid UTF-8
    /// sequence reaches the reader, as it would from a file on disk. Plain
    /// `write(2)`: Foundation's atomic write syncs, at a cost per input
    /// that would be most of the fuzzer's time.
    static func write(_ bytes: [UInt8], to path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            written += count
        }
    }
}
