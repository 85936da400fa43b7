import BlockIR
import Foundation

/// A capability of a kernel tree's Rust support that the generated block
/// module depends on: the one table of kernel eras.
///
/// Each capability is named once, with the release that brought it and the
/// file that shows it in a tree with `rust/`. Templates and code ask for a
/// capability, never for a version. A tree regenerated in place is probed
/// (as a configure script probes a kernel); a header-only tree, which has no
/// `rust/`, gets the capabilities of its release.
public enum KernelFeature: String, CaseIterable, Sendable, Codable, Comparable {
    /// `crate::ffi`, the kernel's own C type aliases (6.12), rather than `core::ffi`.
    case ffiModule
    /// `rust/helpers/*.c` with `rust/helpers/helpers.c` including each (6.12),
    /// rather than one `rust/helpers.c` that exports every helper itself.
    case helpersDirectory
    /// Helpers declared `__rust_helper`, so that LTO can inline them into Rust (7.0).
    case rustHelperAnnotation
    /// pin-init as its own crate (`pin_init::{pin_data, pinned_drop, PinInit}`) (6.15).
    case pinInitCrate
    /// `ARef` and `AlwaysRefCounted` in `kernel::sync::aref` (6.17); before,
    /// in `kernel::types`, which later releases no longer re-export.
    case arefModule
    /// `kernel::str::NullTerminatedFormatter`, which writes the disk name
    /// (6.18); before, the module carries its own `RawWriter`.
    case nullTerminatedFormatter
    /// The block driver API of 6.18 on: `Operations::QueueData`, passed to
    /// `queue_rq` and `commit_rqs`, a required `complete`,
    /// `Request::complete`, and `GenDiskBuilder::build(name, tagset, queue_data)`.
    case queueData

    /// The first release that has it.
    public var since: KernelVersion {
        switch self {
        case .ffiModule, .helpersDirectory: KernelVersion(major: 6, minor: 12)
        case .pinInitCrate: KernelVersion(major: 6, minor: 15)
        case .arefModule: KernelVersion(major: 6, minor: 17)
        case .nullTerminatedFormatter, .queueData: KernelVersion(major: 6, minor: 18)
        case .rustHelperAnnotation: KernelVersion(major: 7, minor: 0)
        }
    }

    /// What a Rust driver written against a tree without the capability
    /// changes for a tree with it (for `mqgen diff`); the reverse undoes it.
    public var driverChange: String {
        switch self {
        case .ffiModule: "C types are `kernel::ffi::c_int` and friends (`crate::ffi`), not `core::ffi`: change the paths the driver spells"
        case .helpersDirectory: "nothing in the driver: the C helpers move from `rust/helpers.c` to `rust/helpers/blk.c`"
        case .rustHelperAnnotation: "nothing in the driver: the C helpers are declared `__rust_helper`"
        case .pinInitCrate: "import `pin_data`, `pinned_drop` and `PinInit` from `pin_init` rather than `macros`/`kernel::init`"
        case .arefModule: "import `ARef` and `AlwaysRefCounted` from `kernel::sync::aref` rather than `kernel::types`"
        case .nullTerminatedFormatter: "nothing in the driver: the module writes the disk name with `kernel::str::NullTerminatedFormatter`"
        case .queueData: "declare `type QueueData: ForeignOwnable + Sync` in `Operations`, take it as the first argument of `queue_rq` and `commit_rqs`, implement `complete(rq)`, and pass the queue data to `GenDiskBuilder::build(name, tagset, queue_data)`"
        }
    }

    /// What shows it in a source tree, relative to the tree's root.
    public var probe: FeatureProbe {
        switch self {
        case .ffiModule: .file("rust/ffi.rs")
        case .helpersDirectory: .file("rust/helpers/helpers.c")
        case .rustHelperAnnotation: .text(in: ["rust/helpers/helpers.c"], containing: "#define __rust_helper")
        case .pinInitCrate: .file("rust/pin-init/src/lib.rs")
        case .arefModule: .file("rust/kernel/sync/aref.rs")
        case .nullTerminatedFormatter: .text(in: ["rust/kernel/str.rs"], containing: "pub struct NullTerminatedFormatter")
        // The tree's own driver says which API its users are written
        // against; mqgen never writes it, so a second run probes the same.
        case .queueData: .text(in: ["drivers/block/rnull/rnull.rs", "drivers/block/rnull.rs"], containing: "type QueueData")
        }
    }

    public static func < (lhs: KernelFeature, rhs: KernelFeature) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How a source tree shows a capability.
public enum FeatureProbe: Sendable, Equatable, CustomStringConvertible {
    case file(String)
    /// The first of `files` that exists contains the text. None existing
    /// says nothing, and the release decides.
    case text(in: [String], containing: String)

    /// true or false when the tree answers, nil when it cannot.
    func answer(inTree root: String) -> Bool? {
        switch self {
        case .file(let path):
            return FileManager.default.fileExists(atPath: "\(root)/\(path)")
        case .text(let files, let needle):
            // TreeFile opens without blocking and reads only a regular file.
            guard let file = files.first(where: { FileManager.default.fileExists(atPath: "\(root)/\($0)") }),
                  let text = TreeFile.text("\(root)/\(file)") else { return nil }
            return text.contains(needle)
        }
    }

    public var description: String {
        switch self {
        case .file(let path): path
        case .text(let files, let needle): "'\(needle)' in \(files.joined(separator: " or "))"
        }
    }
}

/// The capabilities of one tree, each with why it was decided.
public struct KernelFeatures: Sendable, Equatable {
    public private(set) var enabled: Set<KernelFeature>
    /// One line per capability, for `-v`.
    public private(set) var reasons: [String]

    public func has(_ feature: KernelFeature) -> Bool { enabled.contains(feature) }

    /// The two ends of the table, which between them use every template.
    public static let none = KernelFeatures(enabled: [])
    public static let all = KernelFeatures(enabled: Set(KernelFeature.allCases))

    private init(enabled: Set<KernelFeature>) {
        self.enabled = enabled
        reasons = []
    }

    /// A header-only tree: what its release has.
    public init(release: KernelVersion) {
        let enabled = Set(KernelFeature.allCases.filter { release >= $0.since })
        self.enabled = enabled
        reasons = KernelFeature.allCases.map { feature in
            let has = enabled.contains(feature)
            return "\(feature.rawValue): \(has ? "yes" : "no"), \(release.series) \(has ? ">=" : "<") \(feature.since.series) (headers only)"
        }
    }

    /// A source tree with `rust/`: probed, falling back to the release for
    /// a capability the tree cannot answer.
    public init(probing root: String, release: KernelVersion) {
        enabled = []
        reasons = []
        for feature in KernelFeature.allCases {
            if let answer = feature.probe.answer(inTree: root) {
                if answer { enabled.insert(feature) }
                reasons.append("\(feature.rawValue): \(answer ? "yes" : "no"), probed \(feature.probe)")
            } else {
                let has = release >= feature.since
                if has { enabled.insert(feature) }
                reasons.append("\(feature.rawValue): \(has ? "yes" : "no"), \(release.series) \(has ? ">=" : "<") \(feature.since.series) (\(feature.probe) not in the tree)")
            }
        }
    }
}

extension KernelFeatures {
    /// Probed where the source tree has `rust/`, else from the release.
    public init(sourceTree root: String, release: KernelVersion) {
        var directory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "\(root)/rust", isDirectory: &directory), directory.boolValue {
            self.init(probing: root, release: release)
        } else {
            self.init(release: release)
        }
    }
}
