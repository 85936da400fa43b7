import BlockIR

/// The `struct blk_mq_ops` members the generated Rust implements, with what
/// its hand-written callback bodies assume of each C signature.
///
/// Types are taken from the parse; the spec fixes only the parameter count
/// and names (a leading `_` for an unused one) and the result type, because
/// the bodies in `Templates/rust/operations.rs.stencil` depend on them.
struct CallbackSpec {
    enum Binding: Equatable {
        /// Always installed.
        case always
        /// Installed when the driver implements the trait method: `T::HAS_<NAME>`.
        case optional
    }

    var field: String
    var parameters: [String]
    var result: CType
    var binding: Binding

    static let mqOps: [CallbackSpec] = [
        CallbackSpec(field: "queue_rq", parameters: ["_hctx", "bd"], result: .typedef(name: "blk_status_t"), binding: .always),
        CallbackSpec(field: "commit_rqs", parameters: ["_hctx"], result: .void, binding: .always),
        CallbackSpec(field: "poll", parameters: ["_hctx", "_iob"], result: .builtin(name: "int"), binding: .optional),
        CallbackSpec(field: "complete", parameters: ["_rq"], result: .void, binding: .always),
        CallbackSpec(field: "init_hctx", parameters: ["_hctx", "_tagset_data", "_hctx_idx"], result: .builtin(name: "int"), binding: .always),
        CallbackSpec(field: "exit_hctx", parameters: ["_hctx", "_hctx_idx"], result: .void, binding: .always),
        CallbackSpec(field: "init_request", parameters: ["_set", "rq", "_hctx_idx", "_numa_node"], result: .builtin(name: "int"), binding: .always),
        CallbackSpec(field: "exit_request", parameters: ["_set", "rq", "_hctx_idx"], result: .void, binding: .always),
    ]

    /// The callback's Rust signature, checked against the parsed member.
    func signature(for field: Field, in record: Record, types: RustTypes) throws(GenError) -> RustSignature {
        guard let function = field.type.functionPointee,
              function.parameters.count == parameters.count, function.result == result, !function.isVariadic else {
            throw .callbackSignature(
                record: record.name, field: field.name, header: record.header, line: field.line,
                expected: "\(result.cSpelling) (*)(\(parameters.count) parameters)",
                found: field.type.cSpelling)
        }
        let typed = zip(parameters, function.parameters).map { ($0, types.spell($1.type) ?? "()") }
        return RustSignature(prefix: "unsafe extern \"C\" fn ", name: "\(field.name)_callback",
                             parameters: typed, result: types.spell(result))
    }
}
