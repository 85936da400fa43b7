import BlockIR

/// One initializer of a C ops table, in header order.
struct VTableEntry {
    /// `implemented`, `optional`, or `value` (a literal such as `None`).
    var kind: String
    /// The C member's name, which the callback and its flag are named after.
    var name: String
    /// The field as bindgen names it (`type_` for a member `type`).
    var field: String
    /// The argument of `#[cfg(...)]` when the member is under `#if`.
    var cfg: String?
    /// For `optional`: the `#[vtable]` constant that says the driver implements it.
    var flag: String?
    /// For `value`.
    var value: String?
}

/// The initializer of a whole `bindings::<record>` table: every member of
/// the parsed struct, none left to `..Default`, so that a member added to the
/// header shows up here (and in review) on the next run.
struct VTable {
    var rustType: String
    var entries: [VTableEntry]

    init(record: Record, callbacks: [CallbackSpec]) throws(GenError) {
        rustType = "bindings::\(record.name)"
        entries = []
        for field in record.fields {
            let cfg = field.condition?.rustCfg
            guard let name = BindgenName.of(field.name) else {
                throw .unnameableMember(record: record.name, field: field.name, header: record.header, line: field.line,
                                        reason: "is a word bindgen renames from version \(BindgenName.versionDependent[field.name]!) on ('\(field.name)_') and keeps before; the generated table cannot name it for every bindgen: rename the member")
            }
            if let spec = callbacks.first(where: { $0.field == field.name }) {
                entries.append(spec.binding == .always
                    ? VTableEntry(kind: "implemented", name: field.name, field: name, cfg: cfg)
                    : VTableEntry(kind: "optional", name: field.name, field: name, cfg: cfg, flag: "HAS_\(field.name.uppercased())"))
                continue
            }
            guard let value = Self.emptyValue(of: field.type) else {
                throw .unsupportedMember(record: record.name, field: field.name, header: record.header,
                                         line: field.line, type: field.type.cSpelling)
            }
            entries.append(VTableEntry(kind: "value", name: field.name, field: name, cfg: cfg, value: value))
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
