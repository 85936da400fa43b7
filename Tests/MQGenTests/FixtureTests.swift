import BlockIR
import Foundation
import Gen
import KernelHeaders
import Testing
import Writer

/// Hand-written header fixtures (Tests/Fixtures/kernel) for the corner cases,
/// each with an expected IR under Tests/Fixtures/expected.
@Suite struct FixtureTests {
    typealias Edit = FixtureTree.Edit

    static let mq = "include/linux/blk-mq.h"
    static let blkdev = "include/linux/blkdev.h"

    /// The corner cases, as edits of the base fixture.
    static let cases: [(name: String, edits: [Edit])] = [
        ("base", []),
        ("field-added", [Edit(file: mq, find: "\tenum blk_eh_timer_return (*timeout)(struct request *);\n",
                              replace: "\tenum blk_eh_timer_return (*timeout)(struct request *);\n\tvoid (*frobnicate)(struct request *rq, int how);\n")]),
        ("field-removed", [Edit(file: mq, find: "\tvoid (*queue_rqs)(struct rq_list *rqlist);\n", replace: "")]),
        ("field-moved", [
            Edit(file: mq, find: "\tvoid (*queue_rqs)(struct rq_list *rqlist);\n", replace: ""),
            Edit(file: mq, find: "\tvoid (*map_queues)(struct blk_mq_tag_set *set);\n",
                 replace: "\tvoid (*map_queues)(struct blk_mq_tag_set *set);\n\tvoid (*queue_rqs)(struct rq_list *rqlist);\n"),
        ]),
        ("signature-changed", [
            Edit(file: mq, find: "void (*queue_rqs)(struct rq_list *rqlist);", replace: "void (*queue_rqs)(struct request **rqlist);"),
            Edit(file: blkdev, find: "int (*open)(struct gendisk *disk, blk_mode_t mode);",
                 replace: "int (*open)(struct block_device *, fmode_t);"),
        ]),
    ]

    @Test(arguments: cases.map(\.name))
    func irMatchesExpected(name: String) throws {
        let fixture = try FixtureTree(Self.cases.first { $0.name == name }!.edits)
        defer { fixture.remove() }
        let api = try fixture.scan()
        try expectGolden(try IRJSON.encode(api.stable), at: "\(Repo.root)/Tests/Fixtures/expected/\(name).json",
                         regenerate: "\(Repo.updateVariable)=1 swift test --filter FixtureTests")
        // Every case renders, and its vtable follows the edited header member
        // for member, as a second reader of the header's text lists them.
        let rendered = try Renderer(templates: Repo.templates).render(api)
        let names = RealTreeTests.initializerNames(in: rendered.files["rust/kernel/block/mq/operations.rs"]!, of: "bindings::blk_mq_ops")
        let header = try HeaderText.memberNames(ofStruct: "blk_mq_ops", inHeader: "\(fixture.root)/\(Self.mq)")
        #expect(!header.isEmpty)
        #expect(names == header)
    }

    @Test func ifdefConditionsAreRecovered() throws {
        let fixture = try FixtureTree()
        defer { fixture.remove() }
        let ops = try fixture.scan().mqOps
        #expect(ops.field("when_on")?.condition == .defined(symbol: "CONFIG_MQGEN_ON"))
        // Under a false #ifdef: absent from the AST, recovered by a second parse.
        #expect(ops.field("when_off")?.condition == .defined(symbol: "CONFIG_MQGEN_OFF"))
        #expect(ops.field("unless_off")?.condition == .not(term: .defined(symbol: "CONFIG_MQGEN_OFF")))
        #expect(ops.field("busy")?.condition?.cSpelling == "(defined(CONFIG_MQGEN_ON) || defined(CONFIG_MQGEN_ON_MODULE)) && !defined(CONFIG_MQGEN_OFF)")
        #expect(ops.fields.map(\.name).suffix(6) == ["when_on", "when_off", "unless_off", "busy", "map_queues", "show_rq"])
        #expect(ops.field("queue_rq")?.condition == nil)
    }

    @Test func vtableShapesFollowTheHeader() throws {
        let fixture = try FixtureTree(Self.cases.first { $0.name == "field-added" }!.edits)
        defer { fixture.remove() }
        let operations = try Renderer(templates: Repo.templates).render(try fixture.scan()).files["rust/kernel/block/mq/operations.rs"]!
        #expect(operations.contains("        timeout: if T::HAS_TIMEOUT {\n            Some(Self::timeout_callback)\n        } else {\n            None\n        },\n        frobnicate: None,\n"))
        #expect(operations.contains("        #[cfg(CONFIG_MQGEN_OFF)]\n        when_off: None,\n"))
        #expect(operations.contains("        poll: if T::HAS_POLL {\n            Some(Self::poll_callback)\n"))
        #expect(operations.contains("        queue_rq: Some(Self::queue_rq_callback),\n"))
    }

    @Test func constantsFromDefinesAndEnums() throws {
        let fixture = try FixtureTree()
        defer { fixture.remove() }
        let constants = Dictionary(uniqueKeysWithValues: try fixture.scan().constants.map { ($0.name, $0.value) })
        #expect(constants["BLK_STS_OK"] == 0)
        #expect(constants["BLK_STS_IOERR"] == 10)
        #expect(constants["BLK_STS_SPLIT"] == 16, "a #define continued with a backslash")
        #expect(constants["BLK_STS_SKIPPED"] == nil, "a #define under a false #ifdef")
        #expect(constants["BLK_STS_FUNCTION_LIKE"] == nil)
        #expect(constants["BLK_MQ_F_BLOCKING"] == 32)
        #expect(constants["QUEUE_FLAG_NOMERGES"] == 1)
        #expect(constants["BLK_FEAT_ROTATIONAL"] == 4)
    }

    // MARK: Bad input

    @Test func syntaxErrorIsReportedWithItsLocation() throws {
        let fixture = try FixtureTree([Edit(file: Self.mq, find: "\tvoid (*commit_rqs)(struct blk_mq_hw_ctx *);\n",
                                            replace: "\tvoid (*commit_rqs)(struct blk_mq_hw_ctx *)\n")])
        defer { fixture.remove() }
        #expect {
            try fixture.scan()
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("\(fixture.root)/include/linux/blk-mq.h:") && text.contains(": expected ';'")
        }
    }

    @Test func missingOpsStructIsAnError() throws {
        let fixture = try FixtureTree([Edit(file: Self.mq, find: "struct blk_mq_ops {", replace: "struct blk_mq_ops_renamed {")])
        defer { fixture.remove() }
        #expect(throws: HeaderError.recordMissing(name: "blk_mq_ops", header: "include/linux/blk-mq.h")) { try fixture.scan() }
    }

    /// The request's flags are rendered from `enum req_flag_bits`: a tree
    /// without it is refused, naming the enum and the header.
    @Test func missingFlagEnumIsAnError() throws {
        let fixture = try FixtureTree([Edit(file: "include/linux/blk_types.h", find: "enum req_flag_bits {", replace: "enum req_flag_bits_renamed {")])
        defer { fixture.remove() }
        #expect(throws: HeaderError.enumMissing(name: "req_flag_bits", header: "include/linux/blk_types.h")) { try fixture.scan() }
        #expect("\(HeaderError.enumMissing(name: "req_flag_bits", header: "include/linux/blk_types.h"))"
            == "include/linux/blk_types.h: enum req_flag_bits is not defined there")
    }

    @Test func missingQueueRqIsAnError() throws {
        let fixture = try FixtureTree([Edit(file: Self.mq, find: "\tblk_status_t (*queue_rq)(struct blk_mq_hw_ctx *,\n\t\t\t\t const struct blk_mq_queue_data *);\n", replace: "")])
        defer { fixture.remove() }
        #expect(throws: HeaderError.fieldMissing(record: "blk_mq_ops", field: "queue_rq", header: "include/linux/blk-mq.h")) {
            try fixture.scan()
        }
    }

    @Test func missingGeneratedHeaderNamesTheFileAndTheFix() throws {
        let fixture = try FixtureTree(removing: ["include/generated/autoconf.h"])
        defer { fixture.remove() }
        #expect(throws: HeaderError.missingGenerated(objtree: fixture.root, file: "include/generated/autoconf.h")) {
            try KernelTree.locate(headers: fixture.include)
        }
        #expect(HeaderError.missingGenerated(objtree: "/o", file: "f").description.contains("make olddefconfig && make prepare"))
    }

    @Test func notAKernelIncludeDirectory() throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: HeaderError.notKernelInclude(directory)) { try KernelTree.locate(headers: directory) }
        #expect(throws: HeaderError.missingDirectory("/nonexistent/include")) { try KernelTree.locate(headers: "/nonexistent/include") }
    }

    @Test func changedCallbackSignatureIsAClearError() throws {
        let fixture = try FixtureTree([Edit(file: Self.mq, find: "int (*init_hctx)(struct blk_mq_hw_ctx *, void *, unsigned int);",
                                            replace: "int (*init_hctx)(struct blk_mq_hw_ctx *, void *, unsigned int, int);")])
        defer { fixture.remove() }
        let api = try fixture.scan()
        // The line the edit is on, counted in the edited header's text.
        let text = try String(contentsOfFile: "\(fixture.root)/\(Self.mq)", encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("int (*init_hctx)(struct blk_mq_hw_ctx *, void *, unsigned int, int);") }.map { $0 + 1 }
        #expect(line != nil)
        #expect {
            try Renderer(templates: Repo.templates).render(api)
        } throws: { error in
            "\(error)".hasPrefix("include/linux/blk-mq.h:\(line ?? -1): struct blk_mq_ops member 'init_hctx'")
        }
    }

    @Test func removedImplementedCallbackIsAClearError() throws {
        let fixture = try FixtureTree([Edit(file: Self.mq, find: "\tvoid (*commit_rqs)(struct blk_mq_hw_ctx *);\n", replace: "")])
        defer { fixture.remove() }
        #expect(throws: GenError.callbackMissing(record: "blk_mq_ops", field: "commit_rqs", header: "include/linux/blk-mq.h")) {
            try Renderer(templates: Repo.templates).render(try fixture.scan())
        }
    }
}
