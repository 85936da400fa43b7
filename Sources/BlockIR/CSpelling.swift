/// Spells IR types back as C declarations, in kernel style (`struct request *rq`).
extension CType {
    /// The type alone: `const struct blk_mq_queue_data *`.
    public var cSpelling: String { cDeclaration(name: "").trimmingSpaces }

    /// A declaration of `name` with this type: `void *pdu`, `u8 id[16]`,
    /// `int (*cb)(struct gendisk *)`.
    public func cDeclaration(name: String) -> String {
        switch self {
        case .void: return join("void", name)
        case .bool: return join("_Bool", name)
        case .builtin(let spelling), .typedef(let spelling): return join(spelling, name)
        case .record(let tag): return join("struct \(tag)", name)
        case .union(let tag): return join("union \(tag)", name)
        case .enumeration(let tag): return join("enum \(tag)", name)
        case .pointer(let pointee, let isConst):
            let qualifier = isConst ? "const " : ""
            if case .function(let function) = pointee {
                return function.cDeclaration(name: "(*\(name))", qualifier: qualifier)
            }
            return qualifier + pointee.cDeclaration(name: "*" + name)
        case .array(let element, let count):
            return element.cDeclaration(name: "\(name)[\(count.map(String.init) ?? "")]")
        case .function(let function):
            return function.cDeclaration(name: name, qualifier: "")
        }
    }

    private func join(_ type: String, _ name: String) -> String {
        "\(type) \(name)"
    }
}

extension FunctionType {
    /// `result name(params)`, with `void` for an empty parameter list.
    public func cDeclaration(name: String, qualifier: String = "") -> String {
        var parameters = self.parameters.map { parameter in
            parameter.type.cDeclaration(name: parameter.name ?? "").trimmingSpaces
        }
        if isVariadic { parameters.append("...") }
        let list = parameters.isEmpty ? "void" : parameters.joined(separator: ", ")
        return qualifier + result.cDeclaration(name: "\(name)(\(list))")
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
