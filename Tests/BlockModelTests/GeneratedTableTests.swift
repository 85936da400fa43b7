@testable import BlockModel
import Foundation
import Testing

/// The generated ops table against the kernel header and the IR it was rendered from.
@Suite struct GeneratedTableTests {
    static let snapshot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Snapshots/ir-6.12.json")

    /// The BLK_STS_ constants of the 6.12 IR.
    static func ir() throws -> (members: [String], status: [String: Int]) {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: snapshot)) as! [String: Any]
        let fields = (json["mqOps"] as! [String: Any])["fields"] as! [[String: Any]]
        let constants = json["constants"] as! [[String: Any]]
        let status = constants.filter { ($0["name"] as! String).hasPrefix("BLK_STS_") }
            .map { ($0["name"] as! String, $0["value"] as! Int) }
        return (fields.map { $0["name"] as! String }, Dictionary(uniqueKeysWithValues: status))
    }

    /// The members of `struct blk_mq_ops` in Debian's 6.12 header, read
    /// from its text (comments and preprocessor lines dropped, so members of
    /// every `#ifdef` branch count): a reader apart from libclang and mqgen.
    static func headerMembers() throws -> [String] {
        let source = "/usr/src"
        let common = try #require(try FileManager.default.contentsOfDirectory(atPath: source)
            .filter { $0.hasPrefix("linux-headers-6.12") && $0.hasSuffix("-common") }.sorted().last,
            "no linux-headers-6.12-*-common in /usr/src; Scripts/setup installs it")
        let text = try String(contentsOfFile: "\(source)/\(common)/include/linux/blk-mq.h", encoding: .utf8)
        let code = text.replacing(/\/\*[\s\S]*?\*\//, with: "").split(separator: "\n")
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }.joined(separator: "\n")
        let body = try #require(code.firstMatch(of: /struct blk_mq_ops \{([\s\S]*?)\n\};/)).1
        return body.matches(of: /\(\*(\w+)\)\s*\(/).map { String($0.1) }
    }

    @Test func everyMemberOfTheHeaderIsDispatchedOrListed() throws {
        let members = try Self.headerMembers()
        #expect(members.count > 15)
        #expect(BlkMqOpsMember.allCases.map(\.rawValue) == members)
        let dispatched = Set(BlkMqOps<NullModelDriver>.dispatched)
        #expect(dispatched.isSubset(of: BlkMqOpsMember.allCases))
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
