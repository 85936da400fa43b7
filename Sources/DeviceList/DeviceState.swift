/// Where a device stands, as `mqgen-serve list` says it: decided from the
/// kernel's view of the device and whether its server's process is alive.
public enum DeviceState: String, Codable, Sendable, CaseIterable {
    /// A server is serving it.
    case live
    /// The server died and the kernel holds the device for a new one:
    /// `mqgen-serve recover` will work (ublk only).
    case deadRecoverable = "dead-recoverable"
    /// The server died and nothing can take the device over: `mqgen-serve delete`.
    case deadNeedsDelete = "dead-needs-delete"
    /// The server died and the device has user recovery, but the kernel has
    /// not quiesced it yet; `recover` waits for that.
    case quiescing
    /// The server is alive and the device is not serving: it is being
    /// started (added, not yet started or attached) or stopped.
    case startingOrStopping = "starting-or-stopping"
    /// Nothing says: a state this program does not know, or a VDUSE device
    /// of another program (the kernel keeps no server pid for VDUSE).
    case unknown
}

/// `ublksrv_ctrl_dev_info.state`, as the uapi defines it (`UBLK_S_DEV_*`).
public enum UblkKernelState: UInt16, Sendable {
    /// Added and not started, or stopped: there is no `/dev/ublkbN`.
    case dead = 0
    /// Started: requests go to the server.
    case live = 1
    /// The server died and the device has `UBLK_F_USER_RECOVERY`: requests
    /// wait for a new server (START/END_USER_RECOVERY).
    case quiesced = 2
    /// As quiesced, but requests fail meanwhile (`UBLK_F_USER_RECOVERY_FAIL_IO`, 6.13).
    case failIO = 3
}

extension DeviceState {
    /// A ublk device's state from GET_DEV_INFO: `state`, whether `flags`
    /// has `UBLK_F_USER_RECOVERY`, and whether `ublksrv_pid` is alive.
    public static func ublk(state raw: UInt16, userRecovery: Bool, serverAlive: Bool) -> DeviceState {
        guard let state = UblkKernelState(rawValue: raw) else { return .unknown }
        switch state {
        case .quiesced, .failIO:
            // The kernel says no server has it, whatever a reused pid says.
            return .deadRecoverable
        case .live:
            if serverAlive { return .live }
            // The kernel notices a dead server a moment later (6.12: its
            // monitor work), then quiesces or stops the device.
            return userRecovery ? .quiescing : .deadNeedsDelete
        case .dead:
            return serverAlive ? .startingOrStopping : .deadNeedsDelete
        }
    }

    /// A VDUSE device's state: whether it is on the vDPA bus (vdpa
    /// `DEV_GET` answers), and whether the server in its record is alive
    /// (nil: no record, so no server pid; the kernel keeps none).
    public static func vduse(attached: Bool, serverAlive: Bool?) -> DeviceState {
        guard let serverAlive else { return .unknown }
        // VDUSE in 6.12 has no recovery: a dead server's device can only go.
        guard serverAlive else { return .deadNeedsDelete }
        return attached ? .live : .startingOrStopping
    }
}
