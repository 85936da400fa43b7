import Foundation
import Porting
import Testing
import TestSupport

/// `mqgen diff` on real pairs of Debian trees, through the CLI, checked
/// against a second reader of the header text (`HeaderText`) and against
/// the changes a person reads off the headers (the issue that asked for
/// the report lists them), never against the IR the report is built from.
@Suite struct PortingReportTests {
    static let pairs: [(from: DebianTree, to: DebianTree)] = [(.v6_1, .v6_12), (.v6_12, .v7_3), (.v7_2, .v7_3), (.v6_12, .v6_12_arm64)]

    static func report(_ from: DebianTree, _ to: DebianTree, json: Bool = true) throws -> (status: Int32, stdout: String, stderr: String) {
        try runMQGen(["diff", "--from", "\(from.objtree)/include", "--to", "\(to.objtree)/include"] + (json ? ["--json"] : []))
    }

    static func decoded(_ from: DebianTree, _ to: DebianTree) throws -> PortingReport {
        let run = try report(from, to)
        try #require(run.status == 0, "\(run.stderr)")
        return try JSONDecoder().decode(PortingReport.self, from: Data(run.stdout.utf8))
    }

    /// Added and removed members are those one header's text has and the
    /// other's lacks; a changed member's declaration reads differently.
    @Test(arguments: pairs.map { "\($0.from.rawValue)>\($0.to.rawValue)" })
    func membersFollowTheHeaderText(pair: String) throws {
        let (from, to) = Self.pair(pair)
        let report = try Self.decoded(from, to)
        for (name, header) in [("blk_mq_ops", "blk-mq.h"), ("block_device_operations", "blkdev.h"),
                               ("blk_mq_tag_set", "blk-mq.h"), ("blk_mq_queue_data", "blk-mq.h")] {
            let old = try HeaderText.members(ofStruct: name, inHeader: "\(try from.tree.srctree)/include/linux/\(header)")
            let new = try HeaderText.members(ofStruct: name, inHeader: "\(try to.tree.srctree)/include/linux/\(header)")
            let changes = try #require(report.structs[name], "\(name)")
            #expect(Set(changes.added) == Set(new.map(\.name)).subtracting(old.map(\.name)), "\(name) added")
            #expect(Set(changes.removed) == Set(old.map(\.name)).subtracting(new.map(\.name)), "\(name) removed")
            let reworded = Set(new.filter { member in
                let before = old.filter { $0.name == member.name }.map(\.declaration)
                return !before.isEmpty && !before.contains(member.declaration)
            }.map(\.name))
            #expect(Set(changes.changed.map(\.name)).isSubset(of: reworded), "\(name) changed \(changes.changed.map(\.name)), text differs in \(reworded)")
        }
    }

    /// The changes a driver author must know of, read off the headers.
    @Test func theKnownPortingChangesAreReported() throws {
        let old = try Self.decoded(.v6_1, .v6_12)
        #expect(Set(old.structs["block_device_operations"]!.changed.map(\.name)) == ["open", "release", "ioctl", "compat_ioctl"])
        #expect(old.structs["block_device_operations"]!.removed == ["rw_page"])
        let open = old.structs["block_device_operations"]!.changed.first { $0.name == "open" }
        #expect(open?.from == "int (*)(struct block_device *, fmode_t)" && open?.to == "int (*)(struct gendisk *, blk_mode_t)")
        #expect(old.structs["blk_mq_ops"]!.changed.map(\.to) == ["void (*)(struct rq_list *)"])
        #expect(old.generatedModule.implemented.isEmpty)

        let new = try Self.decoded(.v6_12, .v7_3)
        #expect(Set(new.structs["block_device_operations"]!.changed.map(\.name)) == ["getgeo", "report_zones"])
        let initRequest = new.structs["blk_mq_ops"]!.changed.first { $0.name == "init_request" }
        #expect(initRequest?.to.hasSuffix("unsigned int, int)") == true, "\(String(describing: initRequest))")
        #expect(new.generatedModule.implemented == ["blk_mq_ops.init_request"])
        #expect(Set(new.capabilities.filter(\.to).map(\.name)).isSuperset(of: ["queueData", "pinInitCrate", "arefModule"]))
    }

    /// A constant the report adds (removes) is named in the new (old)
    /// tree's headers and not in the other's.
    @Test(arguments: pairs.map { "\($0.from.rawValue)>\($0.to.rawValue)" })
    func constantsFollowTheHeaderText(pair: String) throws {
        let (from, to) = Self.pair(pair)
        let report = try Self.decoded(from, to)
        let (old, new) = (try Self.constantText(from), try Self.constantText(to))
        for (family, changes) in report.constants {
            for added in changes.added {
                #expect(Self.names(added.name, in: new) && !Self.names(added.name, in: old), "\(family): \(added.name)")
            }
            for removed in changes.removed {
                #expect(Self.names(removed.name, in: old) && !Self.names(removed.name, in: new), "\(family): \(removed.name)")
            }
        }
    }

    @Test func identicalTablesSayNoDifferences() throws {
        let run = try Self.report(.v6_12, .v6_12_arm64, json: false)
        #expect(run.status == 0)
        #expect(run.stdout.hasSuffix("\nno differences\n"), "\(run.stdout)")
    }

    @Test func aBadTreeIsTheUsualError() throws {
        let run = try runMQGen(["diff", "--from", "/nonexistent/include", "--to", "\(DebianTree.v6_12.objtree)/include"])
        #expect(run.status == 1)
        #expect(run.stderr == "mqgen: error: /nonexistent/include: no such directory\n")
    }

    static func pair(_ text: String) -> (DebianTree, DebianTree) {
        let parts = text.split(separator: ">").map(String.init)
        return (DebianTree(rawValue: parts[0])!, DebianTree(rawValue: parts[1])!)
    }

    /// The headers the constant families live in, comments removed.
    static func constantText(_ tree: DebianTree) throws -> String {
        try ["blk_types.h", "blk-mq.h", "blkdev.h"].map {
            HeaderText.withoutComments(try String(contentsOfFile: "\(try tree.tree.srctree)/include/linux/\($0)", encoding: .utf8))
        }.joined(separator: "\n")
    }

    static func names(_ name: String, in text: String) -> Bool {
        text.contains(try! Regex("\\b\(name)\\b"))
    }
}
