import BlockIR
import KernelHeaders

/// The `struct blk_mq_ops` members the generated Rust implements, with what
/// its hand-written callback bodies assume of each C signature.
///
/// Types are taken from the parse; the spec fixes the parameter count and
/// names (a leading `_` for an unused one), the result type, and the type
/// of every parameter a body uses, because the bodies in
/// `Templates/rust/operations.rs.stencil` dereference them (`(*bd).rq`,
/// `blk_mq_rq_to_pdu(rq)`). The pinned types are those of the 6.1 and 6.12
/// headers.
struct CallbackSpec {
    enum Binding: Equatable {
        /// Always installed.
        case always
        /// Installed when the driver implements the trait method: `T::HAS_<NAME>`.
        case optional
    }

    /// A parameter the body uses has its C type pinned; an unused one
    /// (`_name`) takes whatever the header declares.
    struct Parameter {
        var name: String
        var type: CType?

        static func unused(_ name: String) -> Parameter { Parameter(name: name, type: nil) }
    }

    var field: String
    var parameters: [Parameter]
    var result: CType
    var binding: Binding

    static let request = CType.pointer(to: .record(name: "request"), const: false)
    static let queueData = CType.pointer(to: .record(name: "blk_mq_queue_data"), const: true)
    static let int = CType.builtin(name: "int")

    static let hardwareContext = CType.pointer(to: .record(name: "blk_mq_hw_ctx"), const: false)

    /// With `queueData`, the bodies of `queue_rq` and `commit_rqs` read the
    /// queue's data through `hctx`, and `complete` hands `rq` to the driver.
    static func mqOps(features: KernelFeatures) -> [CallbackSpec] {
        let usesQueue = features.has(.queueData)
        let hctx = usesQueue ? Parameter(name: "hctx", type: hardwareContext) : .unused("_hctx")
        let completed = usesQueue ? Parameter(name: "rq", type: request) : .unused("_rq")
        return [
            CallbackSpec(field: "queue_rq", parameters: [hctx, Parameter(name: "bd", type: queueData)],
                         result: .typedef(name: "blk_status_t"), binding: .always),
            CallbackSpec(field: "commit_rqs", parameters: [hctx], result: .void, binding: .always),
            CallbackSpec(field: "poll", parameters: [.unused("_hctx"), .unused("_iob")], result: int, binding: .optional),
            CallbackSpec(field: "complete", parameters: [completed], result: .void, binding: .always),
            CallbackSpec(field: "init_hctx", parameters: [.unused("_hctx"), .unused("_tagset_data"), .unused("_hctx_idx")],
                         result: int, binding: .always),
            CallbackSpec(field: "exit_hctx", parameters: [.unused("_hctx"), .unused("_hctx_idx")], result: .void, binding: .always),
            CallbackSpec(field: "init_request", parameters: [.unused("_set"), Parameter(name: "rq", type: request),
                                                             .unused("_hctx_idx"), .unused("_numa_node")],
                         result: int, binding: .always),
            CallbackSpec(field: "timeout", parameters: [Parameter(name: "rq", type: request)],
                         result: .enumeration(name: "blk_eh_timer_return"), binding: .optional),
            CallbackSpec(field: "exit_request", parameters: [.unused("_set"), Parameter(name: "rq", type: request), .unused("_hctx_idx")],
                         result: .void, binding: .always),
        ]
    }

    /// What the body implements, for messages: `blk_status_t (*)(any, const struct blk_mq_queue_data *)`.
    var expected: String {
        result.cDeclaration(name: "(*)(\(parameters.map { $0.type?.cSpelling ?? "any" }.joined(separator: ", ")))")
    }

    /// The callback's Rust signature, checked against the parsed member.
    func signature(for field: Field, in record: Record, types: RustTypes) throws(GenError) -> RustCallback {
        guard let function = field.type.functionPointee, matches(function) else {
            throw .callbackSignature(record: record.name, field: field.name, header: record.header, line: field.line,
                                     expected: expected, found: field.type.cSpelling)
        }
        let typed = zip(parameters, function.parameters).map { RustCallback.Parameter(name: $0.name, type: types.spell($1.type) ?? "()") }
        return RustCallback(name: field.name, parameters: typed, result: types.spell(result))
    }

    /// The same member declared in both branches of an `#ifdef`: one body
    /// serves both only if the types agree (names may differ).
    func checkVariants(of first: Field, in record: Record, types: RustTypes) throws(GenError) {
        for other in record.fields where other.name == first.name && other.line != first.line {
            _ = try signature(for: other, in: record, types: types)
            if other.type.functionPointee?.parameters.map(\.type) != first.type.functionPointee?.parameters.map(\.type) {
                throw .callbackDiffersByConfig(record: record.name, field: first.name, header: record.header,
                                               line: first.line, otherLine: other.line)
            }
        }
    }

    private func matches(_ function: FunctionType) -> Bool {
        function.parameters.count == parameters.count && function.result == result && !function.isVariadic
            && zip(parameters, function.parameters).allSatisfy { spec, parsed in spec.type.map { $0 == parsed.type } ?? true }
    }
}

/// What the generated module implements, for tools that report on it.
public enum GeneratedModule {
    /// The `struct blk_mq_ops` members the generated VTABLE fills with a
    /// callback of its own in a tree with `features`; every other member is `None`.
    public static func implementedMQOps(features: KernelFeatures) -> Set<String> {
        Set(CallbackSpec.mqOps(features: features).map(\.field))
    }
}
