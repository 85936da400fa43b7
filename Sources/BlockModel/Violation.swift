/// A driver broke the ownership rules of requests. The model records it
/// (instead of crashing, as a kernel with CONFIG_DEBUG_MISC would) so that a
/// test can name the broken driver and go on.
public struct Violation: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// `endRequest` on a request the block layer already owns.
        case endedTwice
        /// `endRequest` while the driver still holds handles.
        case endedWithHandles(Int)
        /// A handle dropped or cloned when the refcount said there was none.
        case refcountUnderflow
        case cloneOfIdleRequest
        /// The tag was dispatched while the previous request on it was not ended.
        case dispatchOfBusyTag
        /// `queueRq` threw but the driver kept a handle or had ended it.
        case errorWithOwnership(refcount: Int)
        /// Still owned by the driver when the tag set was checked.
        case neverEnded(refcount: Int)
    }

    public let queue: Int
    public let tag: Int
    public let kind: Kind

    public var description: String {
        let what = switch kind {
        case .endedTwice: "ended twice: the block layer already owned it"
        case .endedWithHandles(let n): "ended while the driver held \(n) handle(s)"
        case .refcountUnderflow: "a handle was dropped that the refcount did not count"
        case .cloneOfIdleRequest: "cloned while the block layer owned it"
        case .dispatchOfBusyTag: "dispatched while the previous request on the tag was not ended"
        case .errorWithOwnership(let n): "queue_rq returned an error but the request's refcount is \(n), not 1"
        case .neverEnded(let n): "never ended (refcount \(n))"
        }
        return "request \(queue):\(tag) \(what)"
    }
}
