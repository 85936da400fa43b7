import Testing
@testable import DeviceList

/// The state of a device from the kernel's fields, written from the uapi
/// (include/uapi/linux/ublk_cmd.h, drivers/block/ublk_drv.c), not from the code.
@Suite struct DeviceStateTests {
    /// UBLK_S_DEV_DEAD, _LIVE, _QUIESCED, _FAIL_IO, and one no kernel defines.
    static let rawStates: [UInt16] = [0, 1, 2, 3, 9]

    /// Every combination of (state, UBLK_F_USER_RECOVERY, server pid alive).
    static let ublkExpected: [String: DeviceState] = [
        // DEAD: added and not started, or stopped. A live server is in the
        // middle of starting or stopping it; a dead one left it, and a
        // stopped device is not quiesced, so only DEL_DEV helps.
        "0 recovery alive": .startingOrStopping, "0 plain alive": .startingOrStopping,
        "0 recovery dead": .deadNeedsDelete, "0 plain dead": .deadNeedsDelete,
        // LIVE with a dead pid: the kernel has not noticed yet; it will
        // quiesce a recoverable device and stop a plain one.
        "1 recovery alive": .live, "1 plain alive": .live,
        "1 recovery dead": .quiescing, "1 plain dead": .deadNeedsDelete,
        // QUIESCED and FAIL_IO: waiting for START/END_USER_RECOVERY, whatever
        // process now has the old pid.
        "2 recovery alive": .deadRecoverable, "2 plain alive": .deadRecoverable,
        "2 recovery dead": .deadRecoverable, "2 plain dead": .deadRecoverable,
        "3 recovery alive": .deadRecoverable, "3 plain alive": .deadRecoverable,
        "3 recovery dead": .deadRecoverable, "3 plain dead": .deadRecoverable,
        // A state this program does not know is not guessed at.
        "9 recovery alive": .unknown, "9 plain alive": .unknown,
        "9 recovery dead": .unknown, "9 plain dead": .unknown,
    ]

    @Test(arguments: rawStates, [true, false])
    func ublkStateOfEveryCombination(state: UInt16, userRecovery: Bool) throws {
        for alive in [true, false] {
            let key = "\(state) \(userRecovery ? "recovery" : "plain") \(alive ? "alive" : "dead")"
            let expected = try #require(Self.ublkExpected[key], "no expectation for \(key)")
            #expect(DeviceState.ublk(state: state, userRecovery: userRecovery, serverAlive: alive) == expected, "\(key)")
        }
    }

    @Test func everyUblkExpectationIsExercised() {
        #expect(Self.ublkExpected.count == Self.rawStates.count * 2 * 2)
    }

    /// VDUSE keeps no server pid and has no recovery in 6.12: the record's
    /// pid says whether a server is alive, and a dead one's device can only go.
    @Test(arguments: [
        (true, true, DeviceState.live),
        (false, true, .startingOrStopping),
        (true, false, .deadNeedsDelete),
        (false, false, .deadNeedsDelete),
    ])
    func vduseStateOfOurs(attached: Bool, alive: Bool, expected: DeviceState) {
        #expect(DeviceState.vduse(attached: attached, serverAlive: alive) == expected)
    }

    @Test(arguments: [true, false])
    func vduseStateOfAnotherProgramsDeviceIsUnknown(attached: Bool) {
        #expect(DeviceState.vduse(attached: attached, serverAlive: nil) == .unknown)
    }
}
