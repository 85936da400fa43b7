import BlockIR

/// One initializer of a C ops table, in header order.
struct VTableEntry {
    /// What the member is set to. Templates ask for a case by name, with
    /// its payload: `entry.kind.callback.flag`, `entry.kind.empty.value`.
    enum Kind: Equatable {
        /// The member's `<name>_callback`: always when `flag` is nil, else
        /// when the `#[vtable]` constant `flag` says the driver implements it.
        case callback(flag: String?)
        /// The member's "not provided" value, by the member's type
        /// (`rust/empty_value.stencil` spells it: `None`, `0`, a null pointer).
        case empty(value: EmptyValue)
    }

    var kind: Kind
    /// The C member's name, which the callback and its flag are named after.
    var name: String
    /// The field as bindgen names it (`type_` for a member `type`).
    var field: String
    /// The argument of `#[cfg(...)]` when the member is under `#if`.
    var cfg: String?
}

/// What kind of "not provided" a member takes, by its C type: exactly one
/// is true. The templates include `rust/empty_value.stencil` mid-line after
/// `{{ "" }}`: Stencil's smart trim eats the blank right before a block tag.
struct EmptyValue: Equatable {
    /// A function pointer (`Option<fn>`): `None`.
    var isFunction = false
    var isConstPointer = false
    var isMutPointer = false
    var isBool = false
    /// An integer or an integer typedef: `0`.
    var isInteger = false
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

    /// The "not provided" value for a member of this type; nil for a type
    /// the table cannot leave empty (a struct, an array).
    static func emptyValue(of type: CType) -> EmptyValue? {
        switch type {
        case .pointer(.function, _): EmptyValue(isFunction: true)
        case .pointer(_, let isConst): isConst ? EmptyValue(isConstPointer: true) : EmptyValue(isMutPointer: true)
        case .builtin, .typedef: EmptyValue(isInteger: true)
        case .bool: EmptyValue(isBool: true)
        default: nil
        }
    }
}
