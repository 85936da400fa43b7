import BlockIR
import KernelHeaders

/// Spells IR types the way the kernel's bindgen output names them.
struct RustTypes {
    /// `crate::ffi` (the kernel's own C type aliases) where the tree has it, else `core::ffi`.
    let ffi: String

    init(features: KernelFeatures) {
        ffi = features.has(.ffiModule) ? "crate::ffi" : "core::ffi"
    }

    /// The Rust type of a value of C type `type`; nil for `void`.
    func spell(_ type: CType) -> String? {
        switch type {
        case .void: nil
        case .bool: "bool"
        case .builtin(let name): builtin(name)
        case .typedef(let name): typedef(name)
        case .record(let name), .union(let name), .enumeration(let name): "bindings::\(name)"
        case .pointer(let pointee, let isConst): pointer(to: pointee, isConst: isConst)
        // An array parameter is a pointer to its first element.
        case .array(let element, _): pointer(to: element, isConst: false)
        case .function(let signature): "unsafe extern \"C\" fn(\(signature.parameters.map { spell($0.type) ?? "()" }.joined(separator: ", ")))"
        }
    }

    private func pointer(to pointee: CType, isConst: Bool) -> String {
        let target: String
        switch pointee {
        case .void: target = "\(ffi)::c_void"
        case .function: return "Option<\(spell(pointee)!)>"
        default: target = spell(pointee)!
        }
        return (isConst ? "*const " : "*mut ") + target
    }

    private func typedef(_ name: String) -> String {
        switch name {
        case "bool": "bool"
        case "size_t": "usize"
        case "ssize_t", "ptrdiff_t": "isize"
        default: "bindings::\(name)"
        }
    }

    private func builtin(_ name: String) -> String {
        let ffiName = switch name {
        case "char": "c_char"
        case "signed char": "c_schar"
        case "unsigned char": "c_uchar"
        case "short": "c_short"
        case "unsigned short": "c_ushort"
        case "int": "c_int"
        case "unsigned int": "c_uint"
        case "long": "c_long"
        case "unsigned long": "c_ulong"
        case "long long": "c_longlong"
        case "unsigned long long": "c_ulonglong"
        default: name
        }
        return "\(ffi)::\(ffiName)"
    }
}
