import Foundation
import Testing
@testable import Gen
@testable import KernelTreeEditor
@testable import Writer

/// `mqgen --kernel-tree`: the fixture kernel plus a rust/ directory that
/// lacks every line the block module needs.
@Suite struct InTreeTests {
    static let rustFixture = "\(Repo.root)/Tests/Fixtures/rust-tree"

    /// The fixture kernel with `rust-tree/before` laid over it.
    static func tree() throws -> FixtureTree {
        let tree = try FixtureTree()
        for file in listFiles("\(rustFixture)/before") {
            let target = "\(tree.root)/\(file)"
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(rustFixture)/before/\(file)", toPath: target)
        }
        return tree
    }

    /// The era of a tree is probed from its own files: the fixture (6.12
    /// headers) with the files that show each 7.x capability, copied from
    /// upstream 7.3, gets the 7.x module whatever its headers' version says.
    @Test func theEraIsProbedFromTheTree() throws {
        let upstream = "\(Repo.root)/.build/upstream/7.3"
        try #require(FileManager.default.fileExists(atPath: "\(upstream)/rust/kernel/str.rs"), "run Scripts/setup")
        let tree = try Self.tree()
        defer { tree.remove() }
        for file in ["rust/kernel/sync/aref.rs", "rust/kernel/str.rs", "rust/pin-init/src/lib.rs", "drivers/block/rnull/rnull.rs"] {
            let target = "\(tree.root)/\(file)"
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(upstream)/\(file)", toPath: target)
        }
        let helpers = "\(tree.root)/rust/helpers/helpers.c"
        try Data((try String(contentsOfFile: helpers, encoding: .utf8) + "#define __rust_helper\n").utf8).write(to: URL(fileURLWithPath: helpers))
        let run = try runMQGen(["--kernel-tree", tree.root, "-v"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("queueData: yes, probed 'type QueueData' in drivers/block/rnull/rnull.rs"), "\(run.stderr)")
        let operations = try String(contentsOfFile: "\(tree.root)/rust/kernel/block/mq/operations.rs", encoding: .utf8)
        #expect(operations.contains("type QueueData: ForeignOwnable + Sync;") && operations.contains("sync::aref::ARef,"))
        #expect(!FileManager.default.fileExists(atPath: "\(tree.root)/rust/kernel/block/mq/raw_writer.rs"))
        #expect(try String(contentsOfFile: "\(tree.root)/rust/helpers/blk.c", encoding: .utf8)
            .contains("__rust_helper void *rust_helper_blk_mq_rq_to_pdu(struct request *rq)"))
    }

    @Test func wiresTheModuleInOnceAndOwnsOnlyItsFiles() throws {
        let tree = try Self.tree()
        defer { tree.remove() }
        let unrelated = "\(tree.root)/rust/kernel/device.rs"
        try Data("// not mqgen's\n".utf8).write(to: URL(fileURLWithPath: unrelated))
        let first = try runMQGen(["--kernel-tree", tree.root])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("12 files in \(tree.root): 12 written, 0 unchanged, 0 removed"))
        for file in listFiles("\(Self.rustFixture)/after") {
            let expected = try String(contentsOfFile: "\(Self.rustFixture)/after/\(file)", encoding: .utf8)
            #expect(try String(contentsOfFile: "\(tree.root)/\(file)", encoding: .utf8) == expected, "\(file)")
        }
        for file in ["rust/kernel/block.rs", "rust/kernel/block/mq/request.rs", "rust/kernel/block/mq/command.rs", "rust/helpers/blk.c"] {
            #expect(FileManager.default.fileExists(atPath: "\(tree.root)/\(file)"), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(tree.root)/rust/bindings/bindings_helper.h.fragment"))
        #expect(try String(contentsOfFile: unrelated, encoding: .utf8) == "// not mqgen's\n")

        let before = Self.modificationDates(tree.root)
        let second = try runMQGen(["--kernel-tree", tree.root])
        #expect(second.stderr.contains("0 written, 12 unchanged, 0 removed"))
        #expect(Self.modificationDates(tree.root) == before)
        #expect(try runMQGen(["--kernel-tree", tree.root, "--check"]).status == 0)
    }

    @Test func aTreeWithoutRustIsRejectedAndLeftAlone() throws {
        let tree = try FixtureTree()
        defer { tree.remove() }
        let before = listFiles(tree.root)
        let result = try runMQGen(["--kernel-tree", tree.root])
        #expect(result.status != 0)
        #expect(result.stderr == "mqgen: error: \(tree.root)/rust/bindings/bindings_helper.h: missing; is \(tree.root) a kernel source tree with Rust support?\n")
        #expect(listFiles(tree.root) == before)
    }

    @Test func conflictingOptionsAreRejected() throws {
        let withOutput = try runMQGen(["--kernel-tree", "/tmp", "--output", "/tmp/x"])
        #expect(withOutput.status != 0)
        #expect(withOutput.stderr.contains("--kernel-tree writes into that tree; drop --output"))
        let withHeaders = try runMQGen(["--kernel-tree", "/tmp", "--headers", "/tmp"])
        #expect(withHeaders.stderr.contains("--kernel-tree reads the headers of that tree; drop --headers"))
    }

    @Test func insertionKeepsSortedGroupsAndAttributes() {
        let modules = Insertion(lines: ["#[cfg(CONFIG_BLOCK)]", "pub mod block;"], group: .modules, placement: .sorted)
        // Before an entry with its own attribute, the block goes above that attribute.
        #expect(modules.applied(to: "pub mod alloc;\n#[cfg(CONFIG_X)]\npub mod cpu;\n")
            == "pub mod alloc;\n#[cfg(CONFIG_BLOCK)]\npub mod block;\n#[cfg(CONFIG_X)]\npub mod cpu;\n")
        // After the last entry when every entry sorts before it.
        #expect(modules.applied(to: "mod a;\n\nfn x() {}\n") == "mod a;\n#[cfg(CONFIG_BLOCK)]\npub mod block;\n\nfn x() {}\n")
        // Already there: unchanged.
        #expect(modules.applied(to: "pub mod block;\n") == "pub mod block;\n")
        // No entry to sort among: nil, and the caller reports the file.
        #expect(modules.applied(to: "fn main() {}\n") == nil)
    }

    /// Linux 7.3's bindings_helper.h ends its constant helpers inside
    /// `#if IS_ENABLED(CONFIG_GPU_BUDDY)`: one placed after that line
    /// would exist only with that option (the build then lacks it). It goes
    /// after the last helper outside the block, and an include guard
    /// around the whole file does not count as a block.
    @Test func aConstantHelperIsNotPlacedInsideAnIfBlock() {
        let helper = Insertion(lines: ["const blk_features_t RUST_CONST_HELPER_BLK_FEAT_FUA = BLK_FEAT_FUA;"],
                               group: .constHelpers, placement: .afterLast)
        let kernel = """
        const gfp_t RUST_CONST_HELPER_GFP_KERNEL = GFP_KERNEL;

        #if IS_ENABLED(CONFIG_GPU_BUDDY)
        const unsigned long RUST_CONST_HELPER_GPU_BUDDY_CLEARED = GPU_BUDDY_CLEARED;
        #endif

        """
        #expect(helper.applied(to: kernel) == """
        const gfp_t RUST_CONST_HELPER_GFP_KERNEL = GFP_KERNEL;
        const blk_features_t RUST_CONST_HELPER_BLK_FEAT_FUA = BLK_FEAT_FUA;

        #if IS_ENABLED(CONFIG_GPU_BUDDY)
        const unsigned long RUST_CONST_HELPER_GPU_BUDDY_CLEARED = GPU_BUDDY_CLEARED;
        #endif

        """)
        let guarded = "#ifndef GUARD\n#define GUARD\nconst int RUST_CONST_HELPER_A = A;\n#endif\n"
        #expect(helper.applied(to: guarded)
            == "#ifndef GUARD\n#define GUARD\nconst int RUST_CONST_HELPER_A = A;\nconst blk_features_t RUST_CONST_HELPER_BLK_FEAT_FUA = BLK_FEAT_FUA;\n#endif\n")
    }

    static func modificationDates(_ root: String) -> [String: Date] {
        var dates: [String: Date] = [:]
        for file in listFiles(root) {
            dates[file] = try? FileManager.default.attributesOfItem(atPath: "\(root)/\(file)")[.modificationDate] as? Date
        }
        return dates
    }
}
