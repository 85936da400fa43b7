import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a child process did.
public struct ChildResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// The deadline passed and the child's process group was killed.
    public var timedOut: Bool

    /// The exit status, or the signal that ended the child, for messages.
    public var summary: String { timedOut ? "killed at the deadline" : "exit \(status)" }
}

/// The one way the tests run a program.
///
/// Both pipes are drained at once, on threads of their own: a child that
/// fills stderr while the parent still reads stdout to its end would block
/// forever. A child that outlives its deadline is killed with its whole
/// process group (Foundation makes each child a group leader), so a
/// wrapper's children (`strace -f`, `unshare`) go with it, and the result
/// says so instead of the test hanging.
public enum ChildProcess {
    /// Runs `executable` (a path, or a name looked up in `PATH`) to its end.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String] = [], in directory: String? = nil,
                           environment: [String: String] = [:], input: Data? = nil,
                           timeout: Double = 120) throws -> ChildResult {
        try start(executable, arguments, in: directory, environment: environment, input: input).finish(timeout: timeout)
    }

    /// Starts `executable`; `finish` collects it. For a test that does
    /// something else while the child runs.
    public static func start(_ executable: String, _ arguments: [String] = [], in directory: String? = nil,
                             environment: [String: String] = [:], input: Data? = nil) throws -> RunningChild {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ToolPath.resolve(executable))
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        let child = RunningChild(process: process, stdout: out, stderr: err)
        if let input {
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        return child
    }
}

/// A started child whose output is being drained.
public final class RunningChild: @unchecked Sendable {
    // Unchecked: `Process` is not Sendable; only `finish` touches it after
    // `start`, and `pid` is a constant.
    private let process: Process
    private let readers = DispatchGroup()
    private let stdout: Collected
    private let stderr: Collected
    public let pid: Int32

    init(process: Process, stdout: Pipe, stderr: Pipe) {
        self.process = process
        pid = process.processIdentifier
        self.stdout = Self.drain(stdout, in: readers)
        self.stderr = Self.drain(stderr, in: readers)
    }

    /// Waits for the child's end, killing its process group at the deadline.
    public func finish(timeout: Double = 120) -> ChildResult {
        let timedOut = readers.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            kill(-pid, SIGKILL)
            // The group is gone, so the pipes close; a grandchild that left
            // the group could still hold them, and is not waited for.
            _ = readers.wait(timeout: .now() + 10)
        }
        process.waitUntilExit()
        return ChildResult(status: process.terminationStatus, stdout: stdout.text, stderr: stderr.text, timedOut: timedOut)
    }

    /// What one pipe carried, filled in by its reader thread.
    private final class Collected: Sendable {
        let data = Mutex(Data())
        var text: String { String(decoding: data.withLock { $0 }, as: UTF8.self) }
    }

    /// Reads `pipe` to its end on a thread of its own.
    private static func drain(_ pipe: Pipe, in group: DispatchGroup) -> Collected {
        let collected = Collected()
        let handle = pipe.fileHandleForReading
        group.enter()
        Thread.detachNewThread {
            let data = handle.readDataToEndOfFile()
            collected.data.withLock { $0 = data }
            group.leave()
        }
        return collected
    }
}
