import BlockIR
import Foundation
import Gen
import KernelHeaders
import Testing
import Writer

/// The generated module against the hand-written one of the same kernel
/// (`rust/kernel/block` of linux-source-6.12 and -7.3, unpacked by
/// Scripts/setup under .build/upstream): the tree's own drivers are written
/// against upstream's API, so every public item of it must be there, with
/// the same signature.
@Suite struct UpstreamAPITests {
    enum Upstream: String, CaseIterable, CustomTestStringConvertible {
        case v6_12 = "6.12"
        case v7_3 = "7.3"

        var testDescription: String { "upstream \(rawValue)" }
        var root: String { "\(Repo.root)/.build/upstream/\(rawValue)" }
        var release: KernelVersion {
            let parts = rawValue.split(separator: ".").compactMap { Int($0) }
            return KernelVersion(major: parts[0], minor: parts[1])
        }

        /// Upstream's block module files, relative to the tree.
        var moduleFiles: [String] {
            ["rust/kernel/block.rs", "rust/kernel/block/mq.rs"]
                + listFiles("\(root)/rust/kernel/block/mq").map { "rust/kernel/block/mq/\($0)" }
        }
    }

    @Test(arguments: Upstream.allCases)
    func generatedModuleHasEveryPublicItemOfUpstream(upstream: Upstream) throws {
        try #require(FileManager.default.fileExists(atPath: "\(upstream.root)/rust/kernel/block/mq.rs"),
                     "\(upstream.root) missing; run Scripts/setup")
        var checked = 0
        for file in upstream.moduleFiles {
            let theirs = try RustPublicAPI.items(inFile: "\(upstream.root)/\(file)")
            let generated = "\(Repo.root)/Output/\(upstream.rawValue)/\(file)"
            let ours = FileManager.default.fileExists(atPath: generated) ? try RustPublicAPI.items(inFile: generated) : []
            let missing = theirs.filter { !ours.contains($0) }
            #expect(missing.isEmpty, "Output/\(upstream.rawValue)/\(file) lacks upstream's \(missing)\n(ours: \(ours))")
            checked += theirs.count
        }
        // The reader found the API at all: upstream has at least the trait,
        // the three types, the builder's methods and the re-exports.
        #expect(checked >= 15, "only \(checked) public items read from upstream \(upstream.rawValue)")
    }

    /// Probing a tree and asking its release give the same era for the
    /// releases whose sources are at hand: the versions in the table agree
    /// with what the trees show.
    @Test(arguments: Upstream.allCases)
    func probedEraMatchesTheRelease(upstream: Upstream) throws {
        try #require(FileManager.default.fileExists(atPath: "\(upstream.root)/rust"), "\(upstream.root) missing; run Scripts/setup")
        let probed = KernelFeatures(probing: upstream.root, release: KernelVersion(major: 0, minor: 0))
        #expect(probed.enabled == KernelFeatures(release: upstream.release).enabled, "\(probed.reasons)")
    }

    /// The reader itself, on a snippet whose API is known.
    @Test func readerListsPublicItemsOnly() {
        let source = """
            pub struct A<T: Op> { x: u32 }
            pub(crate) fn hidden() {}
            impl<T: Op> A<T> {
                /// Doc.
                pub fn build(
                    mut self,
                    name: fmt::Arguments<'_>,
                    size: u32,
                ) -> Result<()> {
                    if x { y } else { z }
                }
                fn private() {}
            }
            pub trait Op: Sized {
                type Data: Foreign + Sync;
                fn queue(data: Borrowed<'_, Self::Data>, rq: ARef<R<Self>>) -> Result;
                fn poll() -> bool {
                    false
                }
            }
            pub use x::y::Op;
            pub const SHIFT: u32 = bindings::SHIFT;
            """
        #expect(RustPublicAPI.items(in: source) == [
            "struct A", "fn build(self, fmt::Arguments<'_>, u32) -> Result", "trait Op",
            "trait type Data: Foreign + Sync", "trait fn queue(Borrowed<'_, Self::Data>, ARef<R<Self>>) -> Result",
            "trait fn poll() -> bool", "use Op", "const SHIFT: u32 = bindings::SHIFT",
        ])
    }
}
