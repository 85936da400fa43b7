import CURing

/// The tags per queue a ublk device can have: the kernel's
/// `UBLK_MAX_QUEUE_DEPTH` at most.
public enum UblkQueueDepth {
    public static let valid = 1...Int(UBLK_MAX_QUEUE_DEPTH)
}
