import BlockIR
import Foundation
import Gen
import KernelHeaders
import Testing
import Writer

/// The Debian 6.12 and 6.1 header trees, parsed for real.
@Suite struct RealTreeTests {
    /// The trees the tests parse are the ones Scripts/setup provides: both
    /// read Tests/header-trees, and `DebianTree` names each line of it.
    @Test func theTreesAreTheListSetupReads() throws {
        let text = try String(contentsOfFile: "\(Repo.root)/Tests/header-trees", encoding: .utf8)
        let listed = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let words = line.split(separator: " ")
            return words[1] == "amd64" ? String(words[0]) : "\(words[0])-\(words[1])"
        }
        #expect(listed == DebianTree.allCases.map(\.rawValue))
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ")
            let tree = try #require(DebianTree(rawValue: words[1] == "amd64" ? String(words[0]) : "\(words[0])-\(words[1])"))
            #expect((tree.directory == "/usr/src") == (words[2] == "installed"), "\(line)")
        }
    }

    static let regenerate = "\(Repo.updateVariable)=1 swift test"

    /// Level one of the goldens: headers -> IR.
    @Test(arguments: DebianTree.allCases)
    func irMatchesSnapshot(tree: DebianTree) throws {
        try expectGolden(try IRJSON.encode(try tree.api.stable), at: tree.snapshot, regenerate: Self.regenerate)
    }

    /// Level two: IR snapshot -> rendered files, without libclang.
    @Test(arguments: DebianTree.allCases.filter(\.ownsOutput))
    func snapshotRendersToOutput(tree: DebianTree) throws {
        let api = try IRJSON.decode(try String(contentsOfFile: tree.snapshot, encoding: .utf8))
        let rendered = try Renderer(templates: Repo.templates).render(api)
        for path in rendered.paths {
            try expectGolden(rendered.files[path]!, at: "\(tree.output)/\(path)", regenerate: Self.regenerate)
        }
    }

    /// The drift check: Output/ is exactly what today's headers generate,
    /// with no stale file left in it. One tree at a time: trees that share
    /// an output directory (7.2 checks Output/7.3) would otherwise meet at
    /// its lock, which refuses a second run; with the templates loaded in
    /// milliseconds, they met in most runs.
    @Test(.serialized, arguments: DebianTree.allCases)
    func outputHasNoDrift(tree: DebianTree) throws {
        let rendered = try Renderer(templates: Repo.templates).render(try tree.api)
        let writer = try OutputWriter(root: tree.output, landmark: FileTable.moduleFile)
        if Repo.updating && tree.ownsOutput {
            try writer.write(rendered)
            return
        }
        let report = try writer.check(rendered)
        for path in report.changed {
            let current = (try? String(contentsOfFile: "\(tree.output)/\(path)", encoding: .utf8)) ?? ""
            Issue.record("""
                Output/\(tree.outputSeries)/\(path) drifted from the \(tree.rawValue) headers:
                \(UnifiedDiff.between(current, rendered.files[path]!, label: path))
                Regenerate with: swift run mqgen --headers \(tree.objtree)/include --output Output/\(tree.outputSeries)
                """)
        }
        #expect(report.stale.isEmpty, "stale files in Output/\(tree.outputSeries): \(report.stale)")
    }

    /// The Swift table BlockModel compiles against, both levels: the 6.12
    /// snapshot renders to the committed file, and so do today's headers.
    @Test func swiftModelTableHasNoDrift() throws {
        let path = "Sources/BlockModel/Generated"
        let renderer = try Renderer(templates: Repo.templates)
        let snapshot = try IRJSON.decode(try String(contentsOfFile: DebianTree.v6_12.snapshot, encoding: .utf8))
        let fromSnapshot = try renderer.renderModel(snapshot)
        for file in fromSnapshot.paths {
            try expectGolden(fromSnapshot.files[file]!, at: "\(Repo.root)/\(path)/\(file)", regenerate: Self.regenerate)
        }
        let today = try renderer.renderModel(try DebianTree.v6_12.api)
        let report = try OutputWriter(root: "\(Repo.root)/\(path)", landmark: FileTable.moduleFile).check(today)
        #expect(report.isClean, """
            \(path) drifted from the 6.12 headers in \(report.changed + report.stale).
            Regenerate with: swift run mqgen --emit swift-model --headers \(DebianTree.v6_12.objtree)/include
            """)
    }

    /// Both tables name exactly the members of the tree's own header, in
    /// order, as a second reader of the header text lists them (not the IR
    /// the tables were rendered from).
    @Test(arguments: DebianTree.allCases)
    func vtableNamesEveryMemberInHeaderOrder(tree: DebianTree) throws {
        let kernel = try tree.tree
        let blkMq = "\(kernel.srctree)/include/linux/blk-mq.h", blkdev = "\(kernel.srctree)/include/linux/blkdev.h"
        let mqMembers = try HeaderText.memberNames(ofStruct: "blk_mq_ops", inHeader: blkMq)
        let diskMembers = try HeaderText.memberNames(ofStruct: "block_device_operations", inHeader: blkdev)
        #expect(mqMembers.count >= 17 && mqMembers.first == "queue_rq", "\(mqMembers)")
        #expect(diskMembers.contains("submit_bio") && diskMembers.contains("owner"), "\(diskMembers)")
        let operations = try String(contentsOfFile: "\(tree.output)/rust/kernel/block/mq/operations.rs", encoding: .utf8)
        #expect(Self.initializerNames(in: operations, of: "bindings::blk_mq_ops") == mqMembers)
        let genDisk = try String(contentsOfFile: "\(tree.output)/rust/kernel/block/mq/gen_disk.rs", encoding: .utf8)
        #expect(Self.initializerNames(in: genDisk, of: "bindings::block_device_operations") == diskMembers)
        // The one member under #ifdef in both kernels carries its cfg.
        #expect(operations.contains("        #[cfg(CONFIG_BLK_DEBUG_FS)]\n        show_rq: None,\n"))
    }

    /// Facts read off the two Debian trees by hand, where the versions differ.
    @Test func versionsDifferWhereTheHeadersDo() throws {
        let new = try DebianTree.v6_12.api, old = try DebianTree.v6_1.api
        #expect(new.kernel.series == "6.12" && old.kernel.series == "6.1")

        let queueRqs = { (api: BlockLayerAPI) in api.mqOps.field("queue_rqs")?.type.functionPointee?.parameters.map(\.type) }
        #expect(queueRqs(new) == [.pointer(to: .record(name: "rq_list"), const: false)])
        #expect(queueRqs(old) == [.pointer(to: .pointer(to: .record(name: "request"), const: false), const: false)])

        #expect(new.diskOps.field("rw_page") == nil)
        #expect(old.diskOps.field("rw_page") != nil)
        let open = { (api: BlockLayerAPI) in api.diskOps.field("open")?.type.functionPointee?.parameters.map(\.type) }
        #expect(open(new) == [.pointer(to: .record(name: "gendisk"), const: false), .typedef(name: "blk_mode_t")])
        #expect(open(old) == [.pointer(to: .record(name: "block_device"), const: false), .typedef(name: "fmode_t")])
        let release = { (api: BlockLayerAPI) in api.diskOps.field("release")?.type.functionPointee?.parameters.count }
        #expect(release(new) == 1 && release(old) == 2)

        #expect(new.tagSet.fields.first?.name == "ops" && new.tagSet.field("srcu") != nil)
        #expect(old.tagSet.fields.first?.name == "map" && old.tagSet.field("srcu") == nil)

        // QUEUE_FLAG_* moved from #defines (6.1) to an enum (6.12); both are read.
        let nonrot = { (api: BlockLayerAPI) in api.constants.first { $0.name == "QUEUE_FLAG_NONROT" } }
        #expect(nonrot(old)?.value == 6)
        #expect(nonrot(new) == nil && new.constants.contains { $0.name == "QUEUE_FLAG_NOMERGES" })
        #expect(new.constants.first { $0.name == "BLK_FEAT_ROTATIONAL" }?.value == 1 << 2)
        #expect(new.constants.first { $0.name == "BLK_STS_RESV_CONFLICT" }?.value == 6)
        #expect(old.constants.first { $0.name == "BLK_STS_NEXUS" }?.value == 6)
        #expect(new.constants.first { $0.name == "BLK_STS_IOERR" }?.value == 10)
    }

    @Test func allocDiskTakesLimitsOnlyFrom6_11() throws {
        let new = try Renderer(templates: Repo.templates).render(try DebianTree.v6_12.api)
        let old = try Renderer(templates: Repo.templates).render(try DebianTree.v6_1.api)
        let newDisk = new.files["rust/kernel/block/mq/gen_disk.rs"]!, oldDisk = old.files["rust/kernel/block/mq/gen_disk.rs"]!
        #expect(newDisk.contains("&mut lim,") && newDisk.contains("bindings::BLK_FEAT_ROTATIONAL"))
        #expect(!oldDisk.contains("&mut lim,") && oldDisk.contains("bindings::QUEUE_FLAG_NONROT"))
        // Helper conventions: rust/helpers/blk.c from 6.12, exported fragment before.
        #expect(new.files["rust/helpers/blk.c"] != nil && !new.files["rust/helpers/blk.c"]!.contains("EXPORT_SYMBOL"))
        #expect(old.files["rust/helpers.c.fragment"]!.contains("EXPORT_SYMBOL_GPL(rust_helper_blk_mq_rq_to_pdu);"))
    }

    /// A function is a `static inline` (and gets a shim) exactly when the
    /// header's text defines it so: read from the text, not from libclang.
    @Test(arguments: DebianTree.allCases)
    func helperShimsCoverTheStaticInlinesCalled(tree: DebianTree) throws {
        let api = try tree.api
        let srctree = try tree.tree.srctree
        for function in api.functions {
            let text = try String(contentsOfFile: "\(srctree)/\(function.header)", encoding: .utf8)
            let inText = text.contains(try Regex("static inline [^;{()]*\\b\(function.name)\\("))
            #expect(function.isStaticInline == inText, "\(function.name) in \(function.header)")
        }
        #expect(api.functions.filter(\.isStaticInline).map(\.name).contains("req_op"))
        #expect(api.function("blk_mq_end_request")?.isStaticInline == false)
    }

    /// The member names of the `Type { ... }` struct initializer in `source`.
    static func initializerNames(in source: String, of type: String) -> [String] {
        guard let start = source.range(of: "= \(type) {\n") else { return [] }
        var names: [String] = []
        var depth = 0
        for line in source[start.upperBound...].split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if depth == 0, trimmed == "};" { break }
            if depth == 0, let colon = trimmed.firstIndex(of: ":"), !trimmed.hasPrefix("//"), !trimmed.hasPrefix("#") {
                names.append(String(trimmed[..<colon]))
            }
            depth += trimmed.filter { $0 == "{" }.count - trimmed.filter { $0 == "}" }.count
        }
        return names
    }
}
