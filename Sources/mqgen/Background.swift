import Foundation

/// Runs one piece of work on another thread and hands back its result once.
///
/// mqgen uses it to load the templates while libclang parses the headers:
/// the two are independent and the machine has a second core.
final class Background<Value>: @unchecked Sendable {
    // Written once by the worker before `done` is signalled, read only after
    // waiting on it: the semaphore orders the two accesses.
    private var result: Result<Value, Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () throws -> Value) {
        Thread.detachNewThread { [self] in
            result = Result(catching: work)
            done.signal()
        }
    }

    func value() throws -> Value {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
