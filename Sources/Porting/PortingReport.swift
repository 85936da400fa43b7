import BlockIR
import Gen
import KernelHeaders

/// What changed under a block driver between two kernel trees: the members
/// of the structs a driver fills or reads, the constant families, the C
/// functions the generated module calls, and the era capabilities that
/// change what a Rust driver writes. Plain data: `text` renders it for
/// people, `JSONEncoder` (sorted keys) for machines.
public struct PortingReport: Codable, Equatable, Sendable {
    public var from: Tree
    public var to: Tree
    /// By struct name; a struct one tree does not define has no members there.
    public var structs: [String: MemberChanges]
    /// By family prefix (`BLK_STS_`, ...).
    public var constants: [String: ValueChanges]
    public var helpers: ValueChanges
    public var capabilities: [CapabilityChange]
    /// Which member changes the generated module feels: members it
    /// implements a callback for, and members it leaves `None`.
    public var generatedModule: Impact

    public struct Tree: Codable, Equatable, Sendable {
        public var release: String
        public var arch: String
        public var capabilities: [String]
    }

    public struct Change: Codable, Equatable, Sendable {
        public var name: String
        public var from: String
        public var to: String
    }

    public struct MemberChanges: Codable, Equatable, Sendable {
        public var header: String
        public var added: [String]
        public var removed: [String]
        public var changed: [Change]

        var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
    }

    /// Named values of two trees (constants, function signatures): `from`
    /// is empty for an added one, `to` for a removed one.
    public struct ValueChanges: Codable, Equatable, Sendable {
        public var added: [Change]
        public var removed: [Change]
        public var changed: [Change]

        var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

        /// Compares `old` and `new` by name, in `new`'s order (`old`'s for removals).
        init(old: [(name: String, value: String)], new: [(name: String, value: String)]) {
            let before = Dictionary(old, uniquingKeysWith: { first, _ in first })
            let after = Dictionary(new, uniquingKeysWith: { first, _ in first })
            added = new.filter { before[$0.name] == nil }.map { Change(name: $0.name, from: "", to: $0.value) }
            removed = old.filter { after[$0.name] == nil }.map { Change(name: $0.name, from: $0.value, to: "") }
            changed = new.compactMap { entry in
                guard let from = before[entry.name], from != entry.value else { return nil }
                return Change(name: entry.name, from: from, to: entry.value)
            }
        }
    }

    public struct CapabilityChange: Codable, Equatable, Sendable {
        public var name: String
        public var from: Bool
        public var to: Bool
        /// What a driver written against `from` changes (undone when the
        /// capability goes away).
        public var driverChange: String
    }

    public struct Impact: Codable, Equatable, Sendable {
        /// `blk_mq_ops.queue_rq`: members with a callback of the module's own.
        public var implemented: [String]
        /// Members the module's tables leave `None` (or null, or 0).
        public var leftNone: [String]
    }

    /// Whether the two trees differ in anything the report covers.
    public var isEmpty: Bool {
        structs.values.allSatisfy(\.isEmpty) && constants.values.allSatisfy(\.isEmpty) && helpers.isEmpty && capabilities.isEmpty
    }
}

extension PortingReport {
    /// The structs the report compares, as the IR holds them.
    static let records: [(name: String, header: String, record: @Sendable (BlockLayerAPI) -> Record?)] = [
        ("blk_mq_ops", "include/linux/blk-mq.h", { $0.mqOps }),
        ("block_device_operations", "include/linux/blkdev.h", { $0.diskOps }),
        ("blk_mq_tag_set", "include/linux/blk-mq.h", { $0.tagSet }),
        ("blk_mq_queue_data", "include/linux/blk-mq.h", { $0.queueData }),
    ]

    /// The two trees' IRs, their architectures and their era capabilities.
    public init(from old: BlockLayerAPI, arch oldArch: String, features oldFeatures: KernelFeatures,
                to new: BlockLayerAPI, arch newArch: String, features newFeatures: KernelFeatures) {
        from = Tree(release: old.kernel.description, arch: oldArch, capabilities: oldFeatures.enabled.sorted().map(\.rawValue))
        to = Tree(release: new.kernel.description, arch: newArch, capabilities: newFeatures.enabled.sorted().map(\.rawValue))
        var structs: [String: MemberChanges] = [:]
        for (name, header, record) in Self.records {
            structs[name] = MemberChanges(header: header, old: record(old), new: record(new))
        }
        self.structs = structs
        var constants: [String: ValueChanges] = [:]
        for family in APISurface.constantPrefixes {
            constants[family] = ValueChanges(old: old.constants(prefix: family).map { ($0.name, "\($0.value)") },
                                             new: new.constants(prefix: family).map { ($0.name, "\($0.value)") })
        }
        self.constants = constants
        helpers = ValueChanges(old: old.functions.map { ($0.name, Self.signature($0)) },
                               new: new.functions.map { ($0.name, Self.signature($0)) })
        capabilities = KernelFeature.allCases.filter { oldFeatures.has($0) != newFeatures.has($0) }.map {
            CapabilityChange(name: $0.rawValue, from: oldFeatures.has($0), to: newFeatures.has($0), driverChange: $0.driverChange)
        }
        let implemented = GeneratedModule.implementedMQOps(features: oldFeatures)
            .union(GeneratedModule.implementedMQOps(features: newFeatures))
        var impact = Impact(implemented: [], leftNone: [])
        for (name, _, _) in Self.records where ["blk_mq_ops", "block_device_operations"].contains(name) {
            let changes = structs[name]!
            for member in changes.added + changes.removed + changes.changed.map(\.name) {
                if name == "blk_mq_ops" && implemented.contains(member) {
                    impact.implemented.append("\(name).\(member)")
                } else {
                    impact.leftNone.append("\(name).\(member)")
                }
            }
        }
        impact.implemented.sort()
        impact.leftNone.sort()
        generatedModule = impact
    }
}

extension PortingReport.MemberChanges {
    /// Members by name; one declared in several `#if` branches is compared
    /// by all of its declarations' types.
    init(header: String, old: Record?, new: Record?) {
        let (before, after) = (Self.types(of: old), Self.types(of: new))
        self.header = new?.header ?? old?.header ?? header
        added = Self.names(of: new).filter { before[$0] == nil }
        removed = Self.names(of: old).filter { after[$0] == nil }
        changed = Self.names(of: new).compactMap { name in
            guard let from = before[name], let to = after[name], from != to else { return nil }
            return PortingReport.Change(name: name, from: from, to: to)
        }
    }

    /// Member names in header order, each once.
    private static func names(of record: Record?) -> [String] {
        var seen = Set<String>()
        return (record?.fields ?? []).map(\.name).filter { seen.insert($0).inserted }
    }

    /// Each member's C type without parameter names (a renamed parameter is
    /// no change); the types of every branch joined with ` | `.
    private static func types(of record: Record?) -> [String: String] {
        var types: [String: [String]] = [:]
        for field in record?.fields ?? [] {
            let spelling = field.type.withoutParameterNames.cSpelling
            if types[field.name]?.contains(spelling) != true { types[field.name, default: []].append(spelling) }
        }
        return types.mapValues { $0.joined(separator: " | ") }
    }
}

extension PortingReport {
    /// A function as the report shows it: without parameter names, and
    /// `static inline` where Rust needs a shim for it.
    static func signature(_ function: Function) -> String {
        (function.isStaticInline ? "static inline " : "") + function.type.withoutParameterNames.cDeclaration(name: function.name)
    }
}

extension CType {
    /// The type with every parameter name dropped, at any depth.
    var withoutParameterNames: CType {
        switch self {
        case .pointer(let pointee, let isConst): .pointer(to: pointee.withoutParameterNames, const: isConst)
        case .array(let element, let count): .array(of: element.withoutParameterNames, count: count)
        case .function(let signature): .function(signature: signature.withoutParameterNames)
        default: self
        }
    }
}

extension FunctionType {
    var withoutParameterNames: FunctionType {
        FunctionType(result: result.withoutParameterNames,
                     parameters: parameters.map { Parameter(name: nil, type: $0.type.withoutParameterNames) },
                     isVariadic: isVariadic)
    }
}
