import BlockModel

/// What rnull does: every request ends at once with success; reads return
/// whatever the buffer held.
public final class NullDriver: Operations {
    public static var movesData: Bool { false }

    public init() {}

    public func queueRq(_ request: consuming RequestRef<NullDriver>, isLast: Bool) throws(BlockError) {
        // The unique handle: this cannot fail, and ending consumes it.
        _ = request.endOk()
    }
}
