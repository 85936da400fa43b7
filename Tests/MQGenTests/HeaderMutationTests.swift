import BlockIR
import Foundation
import Gen
import KernelHeaders
import Testing
import Writer

/// Headers mqgen used to turn into a wrong table without a word (issue 12,
/// header side). Each mutation either generates what bindgen and the C
/// compiler would make of the header, or stops with one `mqgen: error:` line
/// naming the header line.
///
/// Expected values come from C and bindgen, never from mqgen: bindgen puts
/// anonymous members in `__bindgen_anon_N` and bitfields in `_bitfield_N`,
/// `(u8)300` is 44, and the callback types are those of the 6.1 and 6.12
/// headers.
@Suite struct HeaderMutationTests {
    typealias Edit = FixtureTree.Edit

    static let mq = "include/linux/blk-mq.h"
    static let blkdev = "include/linux/blkdev.h"
    static let types = "include/linux/blk_types.h"

    // MARK: Members bindgen does not name as the header does

    static let anonymousRecords: [(name: String, edit: Edit, opening: String)] = [
        ("union in blk_mq_ops", Edit(file: mq, find: "\tvoid (*complete)(struct request *);\n", replace: """
            \tvoid (*complete)(struct request *);
            \tunion {
            \t\tvoid (*alt_a)(struct request *);
            \t\tvoid (*alt_b)(struct request *, int);
            \t};

            """), "\tunion {"),
        ("struct in block_device_operations", Edit(file: blkdev, find: "\tvoid (*release)(struct gendisk *disk);\n", replace: """
            \tvoid (*release)(struct gendisk *disk);
            \tstruct {
            \t\tint (*alt_c)(struct gendisk *disk);
            \t};

            """), "\tstruct {"),
    ]

    @Test(arguments: anonymousRecords.map(\.name))
    func anonymousMemberIsRefused(name: String) throws {
        let mutation = Self.anonymousRecords.first { $0.name == name }!
        let fixture = try FixtureTree([mutation.edit])
        defer { fixture.remove() }
        let line = try fixture.line(of: mutation.opening, in: mutation.edit.file)
        try expectRefusal(fixture, at: "\(mutation.edit.file):\(line)", mentioning: ["anonymous", "__bindgen_anon"])
    }

    static let bitfields: [(name: String, edit: Edit)] = [
        ("blk_mq_ops", Edit(file: mq, find: "\tvoid (*complete)(struct request *);\n",
                            replace: "\tvoid (*complete)(struct request *);\n\tunsigned int mqgen_flag:1;\n")),
        ("block_device_operations", Edit(file: blkdev, find: "\tstruct module *owner;\n",
                                         replace: "\tstruct module *owner;\n\tunsigned int mqgen_flag:1;\n")),
    ]

    @Test(arguments: bitfields.map(\.name))
    func bitfieldMemberIsRefused(record: String) throws {
        let edit = Self.bitfields.first { $0.name == record }!.edit
        let fixture = try FixtureTree([edit])
        defer { fixture.remove() }
        let line = try fixture.line(of: "mqgen_flag:1", in: edit.file)
        try expectRefusal(fixture, at: "\(edit.file):\(line)", mentioning: ["mqgen_flag", "bitfield", "_bitfield_1"])
    }

    // MARK: Members under #if

    /// A member spelled by a macro, in a branch the configuration turns off
    /// (under a symbol of its own, so that no other branch forces it on):
    /// the compiler sees it once CONFIG_MQGEN_MACRO is set, so the table must
    /// carry it under that cfg.
    /// The `;` is written after the macro, or is part of it (as in the
    /// kernel's `DECLARE_*` and KABI padding macros).
    @Test(arguments: [";", ""])
    func macroMemberUnderUnsetIfdefIsKept(semicolonAfterMacro: String) throws {
        let inMacro = semicolonAfterMacro.isEmpty ? ";" : ""
        let fixture = try FixtureTree([
            Edit(file: Self.mq, find: "struct blk_mq_ops {\n",
                 replace: "#define MQGEN_CALLBACK(name) void (*name)(struct request *)\(inMacro)\n\nstruct blk_mq_ops {\n"),
            Edit(file: Self.mq, find: "\tvoid (*map_queues)(struct blk_mq_tag_set *set);\n", replace: """
                #ifdef CONFIG_MQGEN_MACRO
                \tMQGEN_CALLBACK(from_macro)\(semicolonAfterMacro)
                #endif
                \tvoid (*map_queues)(struct blk_mq_tag_set *set);

                """),
        ])
        defer { fixture.remove() }
        let api = try fixture.scan()
        #expect(api.mqOps.field("from_macro")?.condition == .defined(symbol: "CONFIG_MQGEN_MACRO"))
        let operations = try Renderer(templates: Repo.templates).render(api).files["rust/kernel/block/mq/operations.rs"]!
        #expect(operations.contains("""
                    #[cfg(CONFIG_MQGEN_MACRO)]
                    from_macro: None,
                    map_queues: None,

            """))
    }

    static let bothBranches = Edit(file: mq, find: """
        #ifdef CONFIG_MQGEN_OFF
        \tvoid (*when_off)(struct request *);
        #else
        \tvoid (*unless_off)(struct request *);
        #endif
        """, replace: """
        #ifdef CONFIG_MQGEN_OFF
        \tvoid (*either)(struct request *, int how);
        #else
        \tvoid (*either)(struct request *);
        #endif
        """)

    /// The same member in both branches: C compiles one or the other, so
    /// the table has both, each under its cfg (Rust strips the one whose
    /// cfg is false before it checks for duplicate fields).
    @Test func sameMemberInBothBranchesGetsBothCfgs() throws {
        let fixture = try FixtureTree([Self.bothBranches])
        defer { fixture.remove() }
        let api = try fixture.scan()
        #expect(api.mqOps.fields.filter { $0.name == "either" }.map(\.condition) == [
            .defined(symbol: "CONFIG_MQGEN_OFF"), .not(term: .defined(symbol: "CONFIG_MQGEN_OFF")),
        ])
        let renderer = try Renderer(templates: Repo.templates)
        let operations = try renderer.render(api).files["rust/kernel/block/mq/operations.rs"]!
        #expect(operations.contains("""
                    #[cfg(CONFIG_MQGEN_OFF)]
                    either: None,
                    #[cfg(not(CONFIG_MQGEN_OFF))]
                    either: None,

            """))
        // The model lists a member once, whatever the configuration.
        let model = try renderer.renderModel(api).files.values.joined()
        #expect(model.components(separatedBy: "case either = \"either\"").count == 2)
    }

    /// An implemented callback whose signature differs by configuration
    /// cannot have one hand-written body: refused when one variant does not
    /// match the body, or when the two differ in a type the body ignores.
    @Test(arguments: ["struct blk_mq_hw_ctx *, int how", "void *hctx"])
    func implementedCallbackInBothBranchesIsRefused(offParameters: String) throws {
        let fixture = try FixtureTree([Edit(file: Self.mq, find: "\tvoid (*commit_rqs)(struct blk_mq_hw_ctx *);\n", replace: """
            #ifdef CONFIG_MQGEN_OFF
            \tvoid (*commit_rqs)(\(offParameters));
            #else
            \tvoid (*commit_rqs)(struct blk_mq_hw_ctx *);
            #endif

            """)])
        defer { fixture.remove() }
        let line = try fixture.line(of: "(*commit_rqs)(\(offParameters))", in: Self.mq)
        try expectRefusal(fixture, at: "\(Self.mq):\(line)", mentioning: ["commit_rqs"])
    }

    static let parameterIfdefs: [(name: String, edit: Edit, marker: String)] = [
        ("timeout", Edit(file: mq, find: "\tenum blk_eh_timer_return (*timeout)(struct request *);\n", replace: """
            \tenum blk_eh_timer_return (*timeout)(struct request *
            #ifdef CONFIG_MQGEN_OFF
            \t\t       , unsigned int extra
            #endif
            \t\t       );

            """), "(*timeout)"),
        ("exit_hctx", Edit(file: mq, find: "\tvoid (*exit_hctx)(struct blk_mq_hw_ctx *, unsigned int);\n", replace: """
            \tvoid (*exit_hctx)(struct blk_mq_hw_ctx *,
            #ifdef CONFIG_MQGEN_ON
            \t\t\t  unsigned int extra,
            #endif
            \t\t\t  unsigned int);

            """), "(*exit_hctx)"),
    ]

    /// `#ifdef` inside a member's parameter list: the member's type differs
    /// by configuration, which one table entry cannot say.
    @Test(arguments: parameterIfdefs.map(\.name))
    func ifdefInsideParameterListIsRefused(member: String) throws {
        let mutation = Self.parameterIfdefs.first { $0.name == member }!
        let fixture = try FixtureTree([mutation.edit])
        defer { fixture.remove() }
        let line = try fixture.line(of: mutation.marker, in: Self.mq)
        try expectRefusal(fixture, at: "\(Self.mq):\(line)", mentioning: [member, "#ifdef"])
    }

    /// `#elif`: the message says what mqgen reads, not that Rust cfgs
    /// cannot express it (they can).
    @Test func elifChainSaysWhatIsSupported() throws {
        let fixture = try FixtureTree([Edit(file: Self.mq, find: """
            #ifdef CONFIG_MQGEN_OFF
            \tvoid (*when_off)(struct request *);
            #else
            """, replace: """
            #if defined(CONFIG_MQGEN_OFF)
            \tvoid (*when_off)(struct request *);
            #elif defined(CONFIG_MQGEN_ON)
            \tvoid (*when_on_only)(struct request *);
            #else
            """)])
        defer { fixture.remove() }
        let line = try fixture.line(of: "#elif defined(CONFIG_MQGEN_ON)", in: Self.mq)
        let stderr = try expectRefusal(fixture, at: "\(Self.mq):\(line)", mentioning: ["#elif", "#else"])
        #expect(!stderr.contains("Rust cfg"))
    }

    /// The `#else` of a disjunction: both symbols are set in the fixture's
    /// configuration, so the member is recovered with neither.
    @Test func elseOfADisjunctionIsRecovered() throws {
        let fixture = try FixtureTree([Edit(file: Self.mq, find: "\tvoid (*map_queues)(struct blk_mq_tag_set *set);\n", replace: """
            #if defined(CONFIG_MQGEN_ON) || defined(CONFIG_BLK_DEBUG_FS)
            \tvoid (*either_on)(struct request *);
            #else
            \tvoid (*neither_on)(struct request *);
            #endif
            \tvoid (*map_queues)(struct blk_mq_tag_set *set);

            """)])
        defer { fixture.remove() }
        let ops = try fixture.scan().mqOps
        #expect(ops.field("neither_on")?.condition?.cSpelling == "!(defined(CONFIG_MQGEN_ON) || defined(CONFIG_BLK_DEBUG_FS))")
        #expect(ops.fields.map(\.name).suffix(4) == ["either_on", "neither_on", "map_queues", "show_rq"])
    }

    /// A branch that forcing its condition does not reveal (here the header
    /// itself takes the symbol away) is an error, not a member left out.
    @Test func branchThatStaysHiddenIsAnError() throws {
        let fixture = try FixtureTree([
            Edit(file: Self.mq, find: "struct blk_mq_ops {\n", replace: "#undef CONFIG_MQGEN_GONE\n\nstruct blk_mq_ops {\n"),
            Edit(file: Self.mq, find: "\tvoid (*map_queues)(struct blk_mq_tag_set *set);\n", replace: """
                #ifdef CONFIG_MQGEN_GONE
                \tvoid (*gone)(struct request *);
                #endif
                \tvoid (*map_queues)(struct blk_mq_tag_set *set);

                """),
        ])
        defer { fixture.remove() }
        let line = try fixture.line(of: "#ifdef CONFIG_MQGEN_GONE", in: Self.mq)
        try expectRefusal(fixture, at: "\(Self.mq):\(line)", mentioning: ["#ifdef CONFIG_MQGEN_GONE"])
    }

    // MARK: Callback signatures the hand-written bodies depend on

    static let signatures: [(name: String, edit: Edit, found: String)] = [
        ("queue_rq swapped", Edit(file: mq, find: "blk_status_t (*queue_rq)(struct blk_mq_hw_ctx *,\n\t\t\t\t const struct blk_mq_queue_data *);",
                                  replace: "blk_status_t (*queue_rq)(const struct blk_mq_queue_data *,\n\t\t\t\t struct blk_mq_hw_ctx *);"),
         "blk_status_t (*)(const struct blk_mq_queue_data *, struct blk_mq_hw_ctx *)"),
        ("queue_rq void *", Edit(file: mq, find: "blk_status_t (*queue_rq)(struct blk_mq_hw_ctx *,\n\t\t\t\t const struct blk_mq_queue_data *);",
                                 replace: "blk_status_t (*queue_rq)(struct blk_mq_hw_ctx *,\n\t\t\t\t void *);"),
         "blk_status_t (*)(struct blk_mq_hw_ctx *, void *)"),
        ("init_request void *", Edit(file: mq, find: "int (*init_request)(struct blk_mq_tag_set *set, struct request *,",
                                     replace: "int (*init_request)(struct blk_mq_tag_set *set, void *,"),
         "int (*)(struct blk_mq_tag_set *set, void *, unsigned int, unsigned int)"),
        ("exit_request const", Edit(file: mq, find: "void (*exit_request)(struct blk_mq_tag_set *set, struct request *,",
                                    replace: "void (*exit_request)(struct blk_mq_tag_set *set, const struct request *,"),
         "void (*)(struct blk_mq_tag_set *set, const struct request *, unsigned int)"),
    ]

    @Test(arguments: signatures.map(\.name))
    func changedParameterTypeIsRefused(name: String) throws {
        let mutation = Self.signatures.first { $0.name == name }!
        let fixture = try FixtureTree([mutation.edit])
        defer { fixture.remove() }
        let member = String(name.split(separator: " ")[0])
        let line = try fixture.line(of: "(*\(member))", in: Self.mq)
        let stderr = try expectRefusal(fixture, at: "\(Self.mq):\(line)", mentioning: ["'\(member)'"])
        // What the bodies need, as the 6.1 and 6.12 headers declare it.
        let needed = member == "queue_rq" ? "const struct blk_mq_queue_data *" : "struct request *"
        #expect(stderr.contains(needed))
        #expect(stderr.contains(mutation.found), "the message shows the member as declared")
    }

    // MARK: Status values

    @Test func unevaluableStatusIsAnError() throws {
        let fixture = try FixtureTree([Edit(file: Self.types, find: "#define BLK_STS_IOERR\t\t((__force blk_status_t)10)\n",
                                            replace: "#define BLK_STS_IOERR\t\t((__force blk_status_t)10)\n#define BLK_STS_MQGEN_CALL\t((__force blk_status_t)mqgen_status(3))\n")])
        defer { fixture.remove() }
        let line = try fixture.line(of: "BLK_STS_MQGEN_CALL", in: Self.types)
        try expectRefusal(fixture, at: "\(Self.types):\(line)", mentioning: ["BLK_STS_MQGEN_CALL"], emit: "swift-model")
    }

    /// A cast converts as C converts: to the width of the typedef the
    /// header declares (`u8` in the kernel, `u16` in the second case).
    @Test(arguments: [("typedef u8 __bitwise blk_status_t;", 300, 44), ("typedef unsigned short __bitwise blk_status_t;", 70_000, 4_464)])
    func castToStatusTruncates(typedef: String, literal: Int, value: Int64) throws {
        let fixture = try FixtureTree([
            Edit(file: Self.types, find: "typedef u8 __bitwise blk_status_t;", replace: typedef),
            Edit(file: Self.types, find: "#define BLK_STS_IOERR\t\t((__force blk_status_t)10)\n",
                 replace: "#define BLK_STS_IOERR\t\t((__force blk_status_t)10)\n#define BLK_STS_MQGEN_WIDE\t((__force blk_status_t)\(literal))\n"),
        ])
        defer { fixture.remove() }
        let constants = try fixture.scan().constants
        #expect(constants.first { $0.name == "BLK_STS_MQGEN_WIDE" }?.value == value)
        #expect(constants.first { $0.name == "BLK_STS_IOERR" }?.value == 10)
    }

    // MARK: Trees that are not what they seem

    @Test func headerThatIsADirectoryIsNamed() throws {
        let fixture = try FixtureTree(removing: [Self.mq])
        defer { fixture.remove() }
        try FileManager.default.createDirectory(atPath: "\(fixture.root)/\(Self.mq)", withIntermediateDirectories: false)
        let stderr = try expectRefusal(fixture, at: "\(fixture.root)/\(Self.mq)", mentioning: ["directory"])
        #expect(!stderr.contains("probe"))
    }

    @Test(arguments: ["dangling", "loop"])
    func brokenSymlinkIsNamed(kind: String) throws {
        let fixture = try FixtureTree(removing: [Self.blkdev])
        defer { fixture.remove() }
        let link = "\(fixture.root)/\(Self.blkdev)"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: kind == "loop" ? "blkdev.h" : "missing-blkdev.h")
        let stderr = try expectRefusal(fixture, at: link, mentioning: ["symbolic link"])
        #expect(stderr.contains(kind == "loop" ? "loop" : "missing-blkdev.h"))
    }

    /// Sources of one release with the objtree of another: say so before
    /// a header fails to compile.
    @Test func objtreeOfAnotherVersionIsNamed() throws {
        let fixture = try FixtureTree()
        defer { fixture.remove() }
        try "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nEXTRAVERSION =\n".write(toFile: "\(fixture.root)/Makefile", atomically: true, encoding: .utf8)
        let build = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: build) }
        try FileManager.default.createDirectory(atPath: build, withIntermediateDirectories: true)
        for directory in ["include", "arch"] {
            try FileManager.default.copyItem(atPath: "\(fixture.root)/\(directory)", toPath: "\(build)/\(directory)")
        }
        try """
            #define LINUX_VERSION_CODE 393664
            #define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))
            #define LINUX_VERSION_MAJOR 6
            #define LINUX_VERSION_PATCHLEVEL 1
            #define LINUX_VERSION_SUBLEVEL 192

            """.write(toFile: "\(build)/include/generated/uapi/linux/version.h", atomically: true, encoding: .utf8)
        #expect {
            try KernelTree.locate(headers: fixture.include, objtree: build)
        } throws: { error in
            let text = "\(error)"
            return text.contains(build) && text.contains("6.1") && text.contains(fixture.root) && text.contains("6.12")
        }
        // The same objtree with its own version is accepted.
        try FileManager.default.copyItem(atPath: "\(Repo.fixtureKernel)/include/generated/uapi/linux/version.h",
                                         toPath: "\(build)/include/generated/uapi/linux/version.h.ok")
        try FileManager.default.removeItem(atPath: "\(build)/include/generated/uapi/linux/version.h")
        try FileManager.default.moveItem(atPath: "\(build)/include/generated/uapi/linux/version.h.ok",
                                         toPath: "\(build)/include/generated/uapi/linux/version.h")
        #expect(try KernelTree.locate(headers: fixture.include, objtree: build).objtree == build)
    }

    /// The same with Debian's real trees: 6.12 sources, the 6.1 objtree.
    @Test func debianSourcesWithTheOtherObjtree() throws {
        let sources = try DebianTree.v6_12.tree.srctree
        let objtree = DebianTree.v6_1.objtree
        #expect {
            try KernelTree.locate(headers: "\(sources)/include", objtree: objtree)
        } throws: { error in
            let text = "\(error)"
            return text.contains("\(objtree) is for 6.1") && text.contains("\(sources) are 6.12")
        }
    }
}

extension FixtureTree {
    /// The 1-based line of the first line of `file` that contains `text`.
    func line(of text: String, in file: String) throws -> Int {
        let lines = try String(contentsOfFile: "\(root)/\(file)", encoding: .utf8).components(separatedBy: "\n")
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }
}

/// Runs mqgen on `fixture` and expects one `mqgen: error:` line that names
/// `location` (`file:line`, relative to the tree or absolute) and mentions
/// every one of `fragments`, a failing exit and nothing written. Returns stderr.
@discardableResult
func expectRefusal(_ fixture: FixtureTree, at location: String, mentioning fragments: [String], emit: String = "kernel",
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let output = temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: output) }
    let result = try runMQGen(["--headers", fixture.include, "--output", output, "--emit", emit])
    #expect(result.status != 0, "mqgen accepted the header", sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "one error line: \(result.stderr)", sourceLocation: sourceLocation)
    let relative = location.hasPrefix("/") ? location : "\(fixture.root)/\(location)"
    #expect(result.stderr.hasPrefix("mqgen: error: \(location): ") || result.stderr.hasPrefix("mqgen: error: \(relative): "),
            "names \(location): \(result.stderr)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(result.stderr.contains(fragment), "mentions \(fragment): \(result.stderr)", sourceLocation: sourceLocation)
    }
    #expect(!FileManager.default.fileExists(atPath: output), "nothing written", sourceLocation: sourceLocation)
    return result.stderr
}
