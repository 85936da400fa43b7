/// The 64 bits of user data an SQE carries and its CQE returns: what the
/// completion is for. One layout for every ring here, the ublk queues', the
/// control ring's and the file driver's, as ublksrv's `build_user_data` and
/// `user_data_to_tag` are one for its queues and targets:
///
///     bits  0..<16  tag: a ublk tag, a file queue's tag, a control command
///     bits 16..<24  kind
///     bits 24..<64  zero
///
/// Decoding reads the kind field alone, so no value of one kind is taken
/// for another, whatever order a caller tests them in. Kinds start at 1:
/// zero, an SQE nobody tagged, decodes to nil.
public struct UserData: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: UInt8, CaseIterable, Sendable {
        /// A ublk FETCH_REQ or COMMIT_AND_FETCH_REQ of `tag`.
        case ublkCommand = 1
        /// A ublk control command; `tag` is its number (`UBLK_CMD_ADD_DEV`).
        case control
        /// The read of a queue's hand-over eventfd.
        case handOver
        /// The read of the driver's completion eventfd.
        case completionEvent
        /// Backing I/O of the file driver's `tag`, on its ring or a lent one.
        case backingIO
        /// The no-op that stops a completion thread.
        case stop
    }

    public static let tagBits = 16
    public static let kindShift = 16
    public static let kindBits = 8

    public let kind: Kind
    public let tag: UInt16

    public init(_ kind: Kind, tag: Int = 0) {
        precondition(UInt16(exactly: tag) != nil, "tag \(tag) does not fit the user data's \(Self.tagBits) bits")
        self.kind = kind
        self.tag = UInt16(tag)
    }

    /// The value for the SQE.
    public var rawValue: UInt64 {
        UInt64(tag) | UInt64(kind.rawValue) << Self.kindShift
    }

    /// The user data of a CQE; nil for a value no SQE here was given
    /// (an unknown kind, or bits set above the kind).
    public init?(rawValue: UInt64) {
        guard rawValue >> (Self.kindShift + Self.kindBits) == 0,
              let kind = Kind(rawValue: UInt8(truncatingIfNeeded: rawValue >> Self.kindShift)) else { return nil }
        self.kind = kind
        tag = UInt16(truncatingIfNeeded: rawValue)
    }

    public var description: String { "\(kind) \(tag)" }
}
