import BlockIR
import KernelHeaders

/// Every file mqgen generates for a tree: its path in the kernel tree and the
/// template that renders it. All templates share one `TemplateContext`.
public struct GeneratedFile: Sendable, Equatable {
    public let path: String
    public let template: String
}

public enum FileTable {
    /// The module's root, which every kernel's table has.
    public static let moduleFile = "rust/kernel/block/mq.rs"
    /// The C helpers file of 6.12 and later.
    public static let helpersFile = "rust/helpers/blk.c"
    /// The lines for bindings_helper.h, as a fragment to merge by hand or by in-tree mode.
    public static let bindingsFragment = "rust/bindings/bindings_helper.h.fragment"

    /// The Swift file the BlockModel target compiles against, relative to
    /// its output directory (`Sources/BlockModel/Generated` in this repository).
    public static let modelFiles = [GeneratedFile(path: "BlkMqOps.swift", template: "swift/BlkMqOps.swift.stencil")]

    /// Every template any kernel's table uses.
    public static var templates: [String] {
        let all = [KernelFeatures.none, .all].flatMap { files(for: $0) } + modelFiles
        return Array(Set(all.map(\.template))).sorted()
    }

    public static func files(for features: KernelFeatures) -> [GeneratedFile] {
        // With rust/helpers/, blk.c is one of its files; before, the helpers
        // were one rust/helpers.c with an EXPORT_SYMBOL_GPL after each.
        let helpers = features.has(.helpersDirectory)
            ? GeneratedFile(path: helpersFile, template: "c/blk.c.stencil")
            : GeneratedFile(path: "rust/helpers.c.fragment", template: "c/blk.c.stencil")
        // The kernel's NullTerminatedFormatter replaces the module's own writer.
        let rawWriter = features.has(.nullTerminatedFormatter)
            ? [] : [GeneratedFile(path: "rust/kernel/block/mq/raw_writer.rs", template: "rust/raw_writer.rs.stencil")]
        return [
            GeneratedFile(path: "rust/kernel/block.rs", template: "rust/block.rs.stencil"),
            GeneratedFile(path: moduleFile, template: "rust/mq.rs.stencil"),
            GeneratedFile(path: "rust/kernel/block/mq/command.rs", template: "rust/command.rs.stencil"),
            GeneratedFile(path: "rust/kernel/block/mq/gen_disk.rs", template: "rust/gen_disk.rs.stencil"),
            GeneratedFile(path: "rust/kernel/block/mq/operations.rs", template: "rust/operations.rs.stencil"),
        ] + rawWriter + [
            GeneratedFile(path: "rust/kernel/block/mq/request.rs", template: "rust/request.rs.stencil"),
            GeneratedFile(path: "rust/kernel/block/mq/tag_set.rs", template: "rust/tag_set.rs.stencil"),
            helpers,
            GeneratedFile(path: bindingsFragment, template: "c/bindings_helper.h.stencil"),
        ]
    }
}
