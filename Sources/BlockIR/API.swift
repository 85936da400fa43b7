/// Everything mqgen knows about one kernel tree's block-layer API: the one
/// input of every template. Built by `KernelHeaders`, rendered by `MQGen`.
public struct BlockLayerAPI: Codable, Hashable, Sendable {
    public var kernel: KernelVersion
    /// `struct blk_mq_ops`, every member in header order.
    public var mqOps: Record
    /// `struct block_device_operations`, every member in header order.
    public var diskOps: Record
    /// `struct blk_mq_tag_set`.
    public var tagSet: Record
    /// `struct queue_limits`.
    public var queueLimits: Record
    /// `struct blk_mq_queue_data`, where the headers define it.
    public var queueData: Record?
    /// The C functions the generated code calls, as declared.
    public var functions: [Function]
    /// Integer constants by family (`BLK_STS_*`, `BLK_MQ_F_*`, ...), by name.
    public var constants: [Constant]
    /// The named enums of `APISurface.enums`, in that order.
    public var enums: [Enumeration]

    public init(
        kernel: KernelVersion, mqOps: Record, diskOps: Record, tagSet: Record,
        queueLimits: Record, queueData: Record? = nil, functions: [Function], constants: [Constant],
        enums: [Enumeration] = []
    ) {
        self.kernel = kernel
        self.mqOps = mqOps
        self.diskOps = diskOps
        self.tagSet = tagSet
        self.queueLimits = queueLimits
        self.queueData = queueData
        self.functions = functions
        self.constants = constants
        self.enums = enums
    }

    public func function(_ name: String) -> Function? {
        functions.first { $0.name == name }
    }

    public func enumeration(_ name: String) -> Enumeration? {
        enums.first { $0.name == name }
    }

    /// The constants of the family `prefix` names (the longest family
    /// prefix a name has decides: `REQ_OP_MASK` is not one of `REQ_`'s),
    /// or, for a prefix that is no family, those whose name starts with it.
    public func constants(prefix: String) -> [Constant] {
        guard let family = APISurface.constantPrefixes.firstIndex(of: prefix) else {
            return constants.filter { $0.name.hasPrefix(prefix) }
        }
        return constants.filter { APISurface.constantFamily(of: $0.name) == family }
    }
}

/// `major.minor.sublevel` of the kernel the headers belong to.
public struct KernelVersion: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var sublevel: Int

    public init(major: Int, minor: Int, sublevel: Int = 0) {
        self.major = major
        self.minor = minor
        self.sublevel = sublevel
    }

    /// `6.12`: how Output/ names a tree, so a stable-release bump is not drift.
    public var series: String { "\(major).\(minor)" }
    public var description: String { "\(major).\(minor).\(sublevel)" }

    public static func < (lhs: KernelVersion, rhs: KernelVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.sublevel) < (rhs.major, rhs.minor, rhs.sublevel)
    }
}

/// A C struct definition.
public struct Record: Codable, Hashable, Sendable {
    public var name: String
    /// The header that defines it, relative to the source tree: `include/linux/blk-mq.h`.
    public var header: String
    public var line: Int
    public var fields: [Field]

    public init(name: String, header: String, line: Int, fields: [Field]) {
        self.name = name
        self.header = header
        self.line = line
        self.fields = fields
    }

    public func field(_ name: String) -> Field? {
        fields.first { $0.name == name }
    }
}

/// A struct member.
public struct Field: Codable, Hashable, Sendable {
    public var name: String
    public var type: CType
    public var line: Int
    /// The `#if` conditions around it, if any.
    public var condition: Condition?

    public init(name: String, type: CType, line: Int, condition: Condition? = nil) {
        self.name = name
        self.type = type
        self.line = line
        self.condition = condition
    }
}

/// A function declaration.
public struct Function: Codable, Hashable, Sendable {
    public var name: String
    public var header: String
    public var line: Int
    public var type: FunctionType
    /// `static inline` in the header: Rust cannot call it without a C shim.
    public var isStaticInline: Bool

    public init(name: String, header: String, line: Int, type: FunctionType, isStaticInline: Bool) {
        self.name = name
        self.header = header
        self.line = line
        self.type = type
        self.isStaticInline = isStaticInline
    }
}

/// A named integer constant from a `#define` or an enum.
public struct Constant: Codable, Hashable, Sendable {
    public var name: String
    public var value: Int64
    public var header: String

    public init(name: String, value: Int64, header: String) {
        self.name = name
        self.value = value
        self.header = header
    }
}

/// A named C enum (`enum req_op`), its enumerators in declaration order,
/// with the values the compiler gave them.
public struct Enumeration: Codable, Hashable, Sendable {
    public var name: String
    public var header: String
    public var line: Int
    public var enumerators: [Enumerator]

    public init(name: String, header: String, line: Int, enumerators: [Enumerator]) {
        self.name = name
        self.header = header
        self.line = line
        self.enumerators = enumerators
    }

    public func value(of name: String) -> Int64? {
        enumerators.first { $0.name == name }?.value
    }
}

/// One constant of an enum.
public struct Enumerator: Codable, Hashable, Sendable {
    public var name: String
    public var value: Int64

    public init(name: String, value: Int64) {
        self.name = name
        self.value = value
    }
}
