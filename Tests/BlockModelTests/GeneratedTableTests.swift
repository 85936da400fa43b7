@testable import BlockModel
import Foundation
import Testing

/// The generated ops table against the IR it was rendered from.
@Suite struct GeneratedTableTests {
    static let snapshot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Snapshots/ir-6.12.json")

    /// The blk_mq_ops member names and BLK_STS_ constants of the 6.12 IR.
    static func ir() throws -> (members: [String], status: [String: Int]) {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: snapshot)) as! [String: Any]
        let fields = (json["mqOps"] as! [String: Any])["fields"] as! [[String: Any]]
        let constants = json["constants"] as! [[String: Any]]
        let status = constants.filter { ($0["name"] as! String).hasPrefix("BLK_STS_") }
            .map { ($0["name"] as! String, $0["value"] as! Int) }
        return (fields.map { $0["name"] as! String }, Dictionary(uniqueKeysWithValues: status))
    }

    @Test func everyMemberOfTheIRIsDispatchedOrListed() throws {
        let members = try Self.ir().members
        #expect(BlkMqOpsMember.allCases.map(\.rawValue) == members)
        let dispatched = Set(BlkMqOps<NullModelDriver>.dispatched)
        let unsupported = Set(BlkMqOps<NullModelDriver>.unsupported.keys)
        #expect(dispatched.isDisjoint(with: unsupported))
        #expect(dispatched.union(unsupported) == Set(BlkMqOpsMember.allCases))
        #expect(BlkMqOps<NullModelDriver>.unsupported.values.allSatisfy { !$0.isEmpty })
    }

    @Test func statusCodesAreTheKernels() throws {
        let status = try Self.ir().status
        #expect(BlkStatus.names.count == status.count)
        for (value, name) in BlkStatus.names { #expect(status[name] == Int(value.rawValue)) }
    }

    final class NullModelDriver: Operations {
        func queueRq(_ request: consuming RequestRef<NullModelDriver>, isLast: Bool) throws(BlockError) {
            _ = request.endOk()
        }
    }
}
