/// The ublk protocol broken between the kernel and the server: a command
/// completion or a request end that the tag's state does not allow. The
/// command machine refuses it (instead of queueing a command the kernel
/// would fail with -EINVAL) so that a test can see which rule broke.
struct UblkViolation: Error, Equatable, Sendable, CustomStringConvertible {
    enum Kind: Equatable, Sendable {
        /// A tag at or past the queue's depth.
        case noSuchTag
        /// A completion for a tag with no command outstanding.
        case completionWithoutCommand(UblkIOState)
        /// An end for a tag the kernel owns with only a FETCH_REQ: no request.
        case endOfUnfetchedTag
        /// An end for a tag whose request was already committed.
        case endedTwice
        /// An end for a tag whose service was aborted, or never started.
        case endWithoutService(UblkIOState)
    }

    let queue: Int
    let tag: Int
    let kind: Kind

    var description: String {
        let what = switch kind {
        case .noSuchTag: "is past the queue's depth"
        case .completionWithoutCommand(let state): "completed with no command outstanding (\(state))"
        case .endOfUnfetchedTag: "ended while the kernel owned it with a FETCH_REQ: no request was fetched"
        case .endedTwice: "ended twice: its COMMIT_AND_FETCH_REQ is already queued"
        case .endWithoutService(let state): "ended with no service on the tag (\(state))"
        }
        return "ublk tag \(queue):\(tag) \(what)"
    }
}
