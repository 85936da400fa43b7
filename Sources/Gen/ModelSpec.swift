import BlockIR

/// What the Swift BlockModel does with each `struct blk_mq_ops` member: a
/// dispatch slot it calls, or a reason it does not.
///
/// The slot types are the model's Swift API; the member list is the
/// header's. A member that is neither here nor in `reasons` still gets an
/// `unsupported` entry with the general reason, so nothing is skipped
/// silently when a kernel adds a member.
enum ModelSpec {
    struct Slot {
        var field: String
        var type: String
        /// What the block layer calls it for, in the model.
        var summary: String
        var isOptional = false
    }

    static let slots: [Slot] = [
        Slot(field: "queue_rq", type: "@Sendable (Driver, consuming RequestRef<Driver>, Bool) throws(BlockError) -> Void",
             summary: "Hands a started request to the driver; a thrown error ends it with the status `errno_to_blk_status` gives."),
        Slot(field: "commit_rqs", type: "@Sendable (Driver, HardwareQueue<Driver>) -> Void",
             summary: "Tells the driver that the last request of a batch has been queued."),
        Slot(field: "poll", type: "@Sendable (Driver, HardwareQueue<Driver>) -> Bool",
             summary: "Polls for completions; installed only when the driver sets `hasPoll`.", isOptional: true),
        Slot(field: "complete", type: "@Sendable (Driver, consuming RequestRef<Driver>) -> Void",
             summary: "Finishes a request the driver marked complete with `RequestRef.complete()`."),
        Slot(field: "init_hctx", type: "@Sendable (Driver, Int) throws(BlockError) -> Driver.QueueData",
             summary: "Makes the driver's data for one hardware queue."),
        Slot(field: "exit_hctx", type: "@Sendable (Driver, Driver.QueueData, Int) -> Void",
             summary: "Releases the driver's data of one hardware queue."),
        Slot(field: "init_request", type: "@Sendable (Driver, Int, Int) throws(BlockError) -> Driver.RequestData",
             summary: "Makes the driver's data for one request (hardware queue, tag)."),
        Slot(field: "exit_request", type: "@Sendable (Driver, Driver.RequestData) -> Void",
             summary: "Releases the driver's data of one request."),
    ]

    /// Why a member has no slot.
    static let reasons: [String: String] = [
        "queue_rqs": "the model dispatches one request at a time; queue_rq with isLast covers batching",
        "get_budget": "no shared-tag budget: every hardware queue owns its tags",
        "put_budget": "no shared-tag budget: every hardware queue owns its tags",
        "set_rq_budget_token": "no shared-tag budget: every hardware queue owns its tags",
        "get_rq_budget_token": "no shared-tag budget: every hardware queue owns its tags",
        "timeout": "the model has no request timer; the ublk driver times out its server instead",
        "cleanup_rq": "requests are never requeued after the driver has seen them",
        "busy": "no I/O scheduler asks whether the device is busy",
        "map_queues": "the submitter names the hardware queue; there is no CPU map",
        "show_rq": "no debugfs",
    ]
    static let defaultReason = "not modelled by BlockModel"
}

/// What `Templates/swift/BlkMqOps.swift.stencil` reads.
struct ModelContext {
    struct Member {
        var name: String
        var swiftName: String
        /// The slot's declared type, `Optional` for an optional member.
        var slot: String?
        var summary: String?
        var reason: String?
    }

    var notice: String
    var kernel: String
    var header: String
    var members: [Member]
    // Stored, not computed: Stencil reads properties through Mirror.
    var dispatched: [Member]
    var unsupported: [Member]
    /// `.a, .b, ...`: Stencil's smart trim would eat the blanks of a loop.
    var dispatchedList: String
    var status: [TemplateContext.StatusCode]

    init(api: BlockLayerAPI) throws(GenError) {
        notice = TemplateContext.noticeLine
        kernel = api.kernel.series
        header = api.mqOps.header
        // A member declared in both branches of an #ifdef is one member to the model.
        var seen = Set<String>()
        var swiftNames: [String: String] = [:]
        members = []
        for field in api.mqOps.fields where seen.insert(field.name).inserted {
            let swiftName = try Self.swiftName(of: field, in: api.mqOps)
            if let other = swiftNames.updateValue(field.name, forKey: swiftName) {
                throw .unnameableMember(record: api.mqOps.name, field: field.name, header: api.mqOps.header, line: field.line,
                                        reason: "and '\(other)' both become the Swift name '\(swiftName)' in the model's ops table")
            }
            let slot = ModelSpec.slots.first { $0.field == field.name }
            members.append(Member(name: field.name, swiftName: swiftName,
                                  slot: slot.map { $0.isOptional ? "(\($0.type))?" : $0.type }, summary: slot?.summary,
                                  reason: slot == nil ? ModelSpec.reasons[field.name] ?? ModelSpec.defaultReason : nil))
        }
        dispatched = members.filter { $0.slot != nil }
        unsupported = members.filter { $0.slot == nil }
        dispatchedList = dispatched.map { ".\($0.swiftName)" }.joined(separator: ", ")
        status = TemplateContext.statusCodes(of: api)
    }

    /// The member's Swift case and property name: camel case, in backticks
    /// when it is a Swift keyword (`default`); a name with nothing left of
    /// it (`_`) or with a `$` has none.
    static func swiftName(of field: Field, in record: Record) throws(GenError) -> String {
        let name = camelCase(field.name)
        guard !name.isEmpty, name != "_", !name.contains("$"), name.first?.isNumber == false else {
            throw .unnameableMember(record: record.name, field: field.name, header: record.header, line: field.line,
                                    reason: "has no Swift name in the model's ops table (camel case gives '\(name)')")
        }
        return swiftKeywords.contains(name) ? "`\(name)`" : name
    }

    /// Words Swift reserves in declarations, statements and expressions.
    static let swiftKeywords: Set<String> = [
        "associatedtype", "borrowing", "class", "consuming", "deinit", "enum", "extension", "fileprivate", "func",
        "import", "init", "inout", "internal", "let", "nonisolated", "open", "operator", "private",
        "precedencegroup", "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var",
        "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for", "guard",
        "if", "in", "repeat", "return", "throw", "switch", "where", "while", "Any", "as", "await", "false",
        "is", "nil", "self", "Self", "super", "throws", "true", "try", "Type", "Protocol",
    ]

    /// `init_request` -> `initRequest`.
    static func camelCase(_ name: String) -> String {
        let words = name.split(separator: "_")
        guard let first = words.first else { return name }
        return String(first) + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
