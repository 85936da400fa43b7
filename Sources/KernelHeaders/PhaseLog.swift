import Foundation

/// The wall time of each step of a run, in the order the steps ended:
/// `mqgen -v` prints them, and `Scripts/bench-parse` takes their medians.
///
/// Steps may end on two threads (the templates load beside the parse), so
/// the log is locked.
public final class PhaseLog: @unchecked Sendable {
    private var entries: [(name: String, duration: Duration)] = []
    private let lock = NSLock()

    public init() {}

    /// Runs `body` and records how long it took as the step `name`.
    public func time<T, E: Error>(_ name: String, _ body: () throws(E) -> T) throws(E) -> T {
        let start = ContinuousClock.now
        defer { record(name, ContinuousClock.now - start) }
        return try body()
    }

    public func record(_ name: String, _ duration: Duration) {
        lock.withLock { entries.append((name, duration)) }
    }

    /// The total time recorded for `name` (zero if it never ran).
    public func duration(of name: String) -> Duration {
        lock.withLock { entries.filter { $0.name == name }.map(\.duration).reduce(.zero, +) }
    }

    /// One `phase <name>: <milliseconds> ms` line per step.
    public var lines: [String] {
        lock.withLock {
            entries.map { entry in
                let milliseconds = Double(entry.duration.components.seconds) * 1e3 + Double(entry.duration.components.attoseconds) / 1e15
                return "phase \(entry.name): \(String(format: "%.3f", milliseconds)) ms"
            }
        }
    }
}
