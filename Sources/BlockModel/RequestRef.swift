/// A handle on a request the driver owns: `ARef<Request<T>>` in Rust.
///
/// It cannot be copied, so ending a request consumes the handle and the
/// compiler rejects any use after the end. Sharing goes through `clone()`,
/// counted in the request's refcount; `end` succeeds only for the unique
/// handle and otherwise hands it back.
public struct RequestRef<Driver: Operations>: ~Copyable, @unchecked Sendable {
    // Not retained: the tag set keeps every request alive while it exists,
    // and a handle exists only while the driver owns the request, which
    // the tag set must outlive (as in the kernel). Unmanaged also lets
    // `discard self` skip deinit where this handle's count is transferred.
    private let unmanaged: Unmanaged<Request<Driver>>

    /// Wraps a request whose refcount already counts this handle.
    init(counted request: Request<Driver>) {
        unmanaged = .passUnretained(request)
    }

    public var request: Request<Driver> { unmanaged.takeUnretainedValue() }

    /// Runs `body` with the request and its tag set, retaining neither.
    @inline(__always)
    private func withRequest<R>(_ body: (Request<Driver>, TagSet<Driver>) -> R) -> R {
        unmanaged._withUnsafeGuaranteedRef { request in request.withTagSet { body(request, $0) } }
    }
    public var tag: Int { request.tag }
    public var queue: Int { request.queue }

    /// Another handle on the same request (refcount + 1).
    public func clone() -> RequestRef<Driver> {
        withRequest { request, tagSet in tagSet.countClone(of: request) }
        return RequestRef(counted: request)
    }

    /// Ends the request with `BLK_STS_OK`; see `end(_:)`.
    public consuming func endOk() -> EndResult<Driver> {
        end(.ok)
    }

    /// Ends the request (`blk_mq_end_request`) if this is the only handle:
    /// refcount 2 -> 0. Otherwise nothing happens and the handle comes back.
    public consuming func end(_ status: BlkStatus) -> EndResult<Driver> {
        let ended = withRequest { request, tagSet in
            guard request.refcount.compareExchange(expected: 2, desired: 0, ordering: .acquiringAndReleasing).exchanged else {
                return false
            }
            tagSet.finish(request, status: status)
            return true
        }
        guard ended else { return .shared(self) }
        discard self
        return .ended
    }

    /// Marks the request complete (`blk_mq_complete_request`): the block
    /// layer calls the driver's `complete` with this same handle.
    public consuming func complete() {
        let unmanaged = self.unmanaged
        discard self
        unmanaged._withUnsafeGuaranteedRef { request in
            request.withTagSet { $0.completeRequest(RequestRef(counted: request)) }
        }
    }

    deinit {
        withRequest { request, tagSet in tagSet.dropHandle(of: request) }
    }
}

/// What `RequestRef.end(_:)` did: `Result<(), ARef<Request>>` in Rust.
public enum EndResult<Driver: Operations>: ~Copyable {
    case ended
    /// Other handles exist; the request goes on, and so does this handle.
    case shared(RequestRef<Driver>)

    public var isEnded: Bool {
        switch self {
        case .ended: true
        case .shared: false
        }
    }
}
