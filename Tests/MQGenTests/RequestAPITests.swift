import BlockIR
import Foundation
@testable import Gen
import Testing

/// How the request's operation, flags and timeout results are made from
/// the parsed enums and macros (whose values `ConstantValueTests` checks
/// against the compiler).
@Suite struct RequestAPITests {
    /// The operations of 6.12 and 7.3 as their `blk_types.h` writes them
    /// (values from the header's text): every one but the end marker
    /// `REQ_OP_LAST` is a variant, named from the header's words.
    @Test(arguments: [DebianTree.v6_12, .v7_3])
    func operationsAreTheHeadersWithoutItsEnd(tree: DebianTree) throws {
        let operations = try RequestAPI(api: try tree.api).operations
        #expect(operations.map(\.name) == ["Read", "Write", "Flush", "Discard", "SecureErase", "ZoneAppend", "WriteZeroes",
                                            "ZoneOpen", "ZoneClose", "ZoneFinish", "ZoneReset", "ZoneResetAll", "DrvIn", "DrvOut"])
        #expect(operations.map(\.value) == [0, 1, 2, 3, 5, 7, 9, 11, 13, 15, 17, 19, 34, 35])
    }

    /// The flags a data-moving driver needs, at the bits 6.12's and 7.3's
    /// `enum req_flag_bits` give them (counted from `REQ_OP_BITS`, 8, in
    /// the header's text).
    @Test(arguments: [DebianTree.v6_12, .v7_3])
    func theFlagsADriverNeedsAreRendered(tree: DebianTree) throws {
        let flags = try RequestAPI(api: try tree.api).flags
        let expected: [String: Int64] = ["SYNC": 11, "META": 12, "FUA": 17, "PREFLUSH": 18, "NOUNMAP": 28]
        for (name, bit) in expected {
            #expect(flags.first { $0.name == name }?.bit == bit, "REQ_\(name)")
        }
    }

    /// A flag bit inside the operation's bits would make `Flags` claim
    /// operation bits: rendering fails, naming it.
    @Test func aFlagBitAmongTheOperationBitsFails() throws {
        var api = try DebianTree.v6_12.api
        let enumIndex = try #require(api.enums.firstIndex { $0.name == "req_flag_bits" })
        let bitIndex = try #require(api.enums[enumIndex].enumerators.firstIndex { $0.name == "__REQ_FUA" })
        api.enums[enumIndex].enumerators[bitIndex].value = 3
        let macro = try #require(api.constants.firstIndex { $0.name == "REQ_FUA" })
        api.constants[macro].value = 1 << 3
        #expect { try RequestAPI(api: api) } throws: { error in
            "\(error)".contains("__REQ_FUA is bit 3")
        }
    }

    /// A macro that is not the one bit of its enumerator would make the
    /// Rust constant disagree with C: rendering fails, naming it.
    @Test func aFlagMacroThatIsNotItsBitFails() throws {
        var api = try DebianTree.v6_12.api
        let index = try #require(api.constants.firstIndex { $0.name == "REQ_FUA" })
        api.constants[index].value += 1
        #expect { try RequestAPI(api: api) } throws: { error in
            "\(error)".contains("REQ_FUA")
        }
    }

    /// A tree whose `enum blk_eh_timer_return` lacks `BLK_EH_DONE` cannot
    /// have the timeout callback, which answers it for an ended request.
    @Test func aTimeoutEnumWithoutDoneFails() throws {
        var api = try DebianTree.v6_12.api
        let index = try #require(api.enums.firstIndex { $0.name == "blk_eh_timer_return" })
        api.enums[index].enumerators.removeAll { $0.name == "BLK_EH_DONE" }
        #expect { try RequestAPI(api: api) } throws: { error in
            "\(error)".contains("BLK_EH_DONE")
        }
    }
}
