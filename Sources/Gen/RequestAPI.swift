import BlockIR

/// What `request.rs` and `command.rs` render about a request, from the
/// tree's own enums and macros: the operations of `enum req_op`, the flags
/// of `enum req_flag_bits` with their `REQ_*` macros, and the results of a
/// timeout handler (`enum blk_eh_timer_return`).
struct RequestAPI {
    /// One enumerator as a Rust enum variant.
    struct Variant {
        /// `WriteZeroes` for `REQ_OP_WRITE_ZEROES`.
        var name: String
        /// The C enumerator, for the docs.
        var cName: String
        var value: Int64
    }

    /// One request flag: a bit of `enum req_flag_bits` with its macro.
    struct Flag {
        /// `FUA` for `REQ_FUA`.
        var name: String
        var cName: String
        /// The bit's position, `__REQ_FUA`.
        var bit: Int64
    }

    /// `enum req_op`, without its end marker.
    var operations: [Variant]
    /// `REQ_OP_MASK`: the bits of `cmd_flags` that hold the operation.
    var operationMask: Int64
    var flags: [Flag]
    /// `enum blk_eh_timer_return`.
    var timeoutResults: [Variant]
}

extension RequestAPI {
    init(api: BlockLayerAPI) throws(GenError) {
        operations = try Self.variants(of: "req_op", prefix: "REQ_OP_", in: api)
        timeoutResults = try Self.variants(of: "blk_eh_timer_return", prefix: "BLK_EH_", in: api)
        // The timeout callback answers these two itself: done for a request
        // already ended, reset for one the driver holds a handle to.
        let timerEnum = try Self.enumeration("blk_eh_timer_return", in: api)
        for needed in ["BLK_EH_DONE", "BLK_EH_RESET_TIMER"] where !timeoutResults.contains(where: { $0.cName == needed }) {
            throw .render(template: "rust/operations.rs.stencil", reason: "\(timerEnum.header):\(timerEnum.line): enum blk_eh_timer_return has no \(needed), which the timeout callback returns itself")
        }
        guard let mask = api.constants.first(where: { $0.name == "REQ_OP_MASK" }) else {
            throw .render(template: "rust/command.rs.stencil", reason: "\(APISurface.blkTypesHeader): no REQ_OP_MASK, which separates a request's operation from its flags")
        }
        operationMask = mask.value
        flags = try Self.flags(in: api, operationMask: mask.value)
    }

    /// The enumerators of `name` as variants: `REQ_OP_WRITE_ZEROES` is
    /// `WriteZeroes`. An enumerator that ends in `_LAST` marks where the
    /// enum ends (`REQ_OP_LAST`) and is not a value a request carries.
    static func variants(of name: String, prefix: String, in api: BlockLayerAPI) throws(GenError) -> [Variant] {
        let enumeration = try enumeration(name, in: api)
        var variants: [Variant] = []
        for enumerator in enumeration.enumerators where !enumerator.name.hasSuffix("_LAST") {
            guard enumerator.name.hasPrefix(prefix) else {
                throw .render(template: "rust/command.rs.stencil", reason: "\(enumeration.header):\(enumeration.line): enum \(name) has \(enumerator.name), which lacks the prefix \(prefix) its Rust name is made from")
            }
            variants.append(Variant(name: pascalCase(enumerator.name.dropFirst(prefix.count)), cName: enumerator.name, value: enumerator.value))
        }
        return variants
    }

    /// Each `__REQ_<NAME>` bit whose macro `REQ_<NAME>` the headers define.
    /// A macro whose value is not that one bit would make the Rust constant
    /// disagree with the C one, so it is an error, not a silent pick.
    static func flags(in api: BlockLayerAPI, operationMask: Int64) throws(GenError) -> [Flag] {
        let bits = try enumeration("req_flag_bits", in: api)
        let macros = Dictionary(api.constants(prefix: "REQ_").map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        var flags: [Flag] = []
        for bit in bits.enumerators where bit.name.hasPrefix("__REQ_") {
            let cName = String(bit.name.dropFirst(2))
            guard let value = macros[cName] else { continue }
            guard (0..<63).contains(bit.value), value == 1 << bit.value else {
                throw .render(template: "rust/command.rs.stencil", reason: "\(bits.header):\(bits.line): \(cName) is \(value), not 1 << \(bit.name) (\(bit.value))")
            }
            // `cmd_flags` is a 32-bit `blk_opf_t`, its low bits the operation.
            guard bit.value < 32, value & operationMask == 0 else {
                throw .render(template: "rust/command.rs.stencil", reason: "\(bits.header):\(bits.line): \(bit.name) is bit \(bit.value), outside the flag bits of a 32-bit cmd_flags above REQ_OP_MASK (\(operationMask))")
            }
            flags.append(Flag(name: String(cName.dropFirst("REQ_".count)), cName: cName, bit: bit.value))
        }
        return flags
    }

    /// The enum `name` of the IR (an IR read from a file may lack one).
    static func enumeration(_ name: String, in api: BlockLayerAPI) throws(GenError) -> Enumeration {
        guard let enumeration = api.enumeration(name) else {
            throw .render(template: "rust/command.rs.stencil", reason: "the IR has no enum \(name) (read from \(APISurface.enums.first { $0.name == name }?.header ?? "the block headers"))")
        }
        return enumeration
    }

    /// `WRITE_ZEROES` -> `WriteZeroes`: the model's camel case, capitalized.
    static func pascalCase(_ words: Substring) -> String {
        let camel = ModelContext.camelCase(words.lowercased())
        return camel.prefix(1).uppercased() + camel.dropFirst()
    }
}
