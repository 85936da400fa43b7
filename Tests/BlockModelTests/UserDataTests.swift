import Testing
import URing

/// The io_uring user data layout: ublksrv's `build_user_data` idea, one
/// encoder and one decoder for every ring, whatever order callers test in.
@Suite struct UserDataTests {
    /// Every kind with every tag comes back as itself.
    @Test(arguments: UserData.Kind.allCases)
    func everyTagOfEveryKindRoundTrips(kind: UserData.Kind) {
        for tag in 0...Int(UInt16.max) {
            let encoded = UserData(kind, tag: tag)
            let decoded = UserData(rawValue: encoded.rawValue)
            guard decoded?.kind == kind, decoded?.tag == UInt16(tag) else {
                Issue.record("\(kind) tag \(tag) encoded as 0x\(String(encoded.rawValue, radix: 16)) decoded as \(String(describing: decoded))")
                return
            }
        }
    }

    /// The layout as documented (tag in bits 0..<16, kind in 16..<24),
    /// spelled out by hand so a change of the encoder shows here.
    @Test func theBitsAreWhereTheLayoutSays() {
        #expect(UserData(.ublkCommand, tag: 0).rawValue == 0x01_0000)
        #expect(UserData(.ublkCommand, tag: 4095).rawValue == 0x01_0FFF)
        #expect(UserData(.control, tag: 0x04).rawValue == 0x02_0004)
        #expect(UserData(.handOver).rawValue == 0x03_0000)
        #expect(UserData(.completionEvent).rawValue == 0x04_0000)
        #expect(UserData(.backingIO, tag: 0xFFFF).rawValue == 0x05_FFFF)
        #expect(UserData(.stop).rawValue == 0x06_0000)
    }

    /// No two kinds share a value, for any tag: the old hand-made tags
    /// (UInt64.max for the hand-over) also had the guest bit (1 << 62) set.
    @Test func kindsNeverOverlap() {
        for tag in [0, 1, 0x7FFF, 0xFFFF] {
            let values = UserData.Kind.allCases.map { UserData($0, tag: tag).rawValue }
            #expect(Set(values).count == UserData.Kind.allCases.count, "tag \(tag): \(values)")
        }
    }

    /// What no SQE here was given decodes to nil: an untagged SQE (0), an
    /// unknown kind, bits above the kind field.
    @Test(arguments: [0, 0x1234, 0x07_0000, 0xFF_0001, 0x100_0000 | 0x01_0000, UInt64.max, 1 << 62 | 5] as [UInt64])
    func foreignValuesDoNotDecode(raw: UInt64) {
        #expect(UserData(rawValue: raw) == nil)
    }
}
