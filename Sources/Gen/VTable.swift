import BlockIR

/// One initializer of a C ops table, in header order.
struct VTableEntry {
    /// What the member is set to. Templates ask for a case by name, with
    /// its payload: `entry.kind.callback.flag`, `entry.kind.empty.value`.
    enum Kind: Equatable {
        /// The member's `<name>_callback`: always when `flag` is nil, else
        /// when the `#[vtable]` constant `flag` says the driver implements it.
        case callback(flag: String?)
        /// The member's "not provided" value (`None`, `0`, a null pointer).
        case empty(value: String)
    }

    var kind: Kind
    /// The C member's name, which the callback and its flag are named after.
    var name: String
    /// The field as bindgen names it (`type_` for a member `type`).
    var field: String
    /// The argument of `#[cfg(...)]` when the member is under `#if`.
    var cfg: String?
}

/// The initializer of a whole `bindings::<record>` table: every member of
/// the parsed struct, none left to `..Default`, so that a member added to the
/// header shows up here (and in review) on the next run.
struct VTable {
    /// The C struct's name (`blk_mq_ops`), the type of the table.
    var record: String
    var entries: [VTableEntry]

    init(record: Record, callbacks: [CallbackSpec]) throws(GenError) {
        self.record = record.name
        entries = []
        for field in record.fields {
            let cfg = field.condition?.rustCfg
            guard let name = BindgenName.of(field.name) else {
                throw .unnameableMember(record: record.name, field: field.name, header: record.header, line: field.line,
                                        reason: "is a word bindgen renames from version \(BindgenName.versionDependent[field.name]!) on ('\(field.name)_') and keeps before; the generated table cannot name it for every bindgen: rename the member")
            }
            if let spec = callbacks.first(where: { $0.field == field.name }) {
                let flag = spec.binding == .always ? nil : "HAS_\(field.name.uppercased())"
                entries.append(VTableEntry(kind: .callback(flag: flag), name: field.name, field: name, cfg: cfg))
                continue
            }
            guard let value = Self.emptyValue(of: field.type) else {
                throw .unsupportedMember(record: record.name, field: field.name, header: record.header,
                                         line: field.line, type: field.type.cSpelling)
            }
            entries.append(VTableEntry(kind: .empty(value: value), name: field.name, field: name, cfg: cfg))
        }
    }

    /// The Rust spelling of "not provided" for a member of this type.
    static func emptyValue(of type: CType) -> String? {
        switch type {
        case .pointer(.function, _): "None"
        case .pointer(_, let isConst): isConst ? "core::ptr::null()" : "core::ptr::null_mut()"
        case .builtin, .typedef: "0"
        case .bool: "false"
        default: nil
        }
    }
}
