import Stencil
import Synchronization

/// The context as the templates see it: every stored property by name, as
/// Stencil's own reflection would find it, except that a name the value
/// does not have is noted, and the renderer fails naming it.
///
/// Stencil reads an unknown name as nothing: `{{ entry.valeu }}` renders an
/// empty initializer and `{% if ctx.disk.alocTakesLimits %}` the other API,
/// with exit 0. Here a misspelling is an error naming the template, the
/// name and the type that lacks it.
struct StrictValue: DynamicMemberLookup {
    let value: Any
    let names: UnknownNames

    subscript(dynamicMember member: String) -> Any? {
        let mirror = Mirror(reflecting: value)
        if let child = mirror.children.first(where: { $0.label == member }) {
            return names.wrap(child.value)
        }
        // An enum shows only the case it holds; asking for another case
        // (`entry.kind.empty` of a callback) is how a template tells them apart.
        if mirror.displayStyle != .enum {
            names.note("\(type(of: value)).\(member)")
        }
        return nil
    }
}

/// A dictionary with `String` keys, read by key (`ctx.callbacks.queue_rq`):
/// a key it does not have is noted like an unknown property.
struct StrictDictionary: DynamicMemberLookup {
    let value: Any
    let names: UnknownNames

    subscript(dynamicMember key: String) -> Any? {
        for pair in Mirror(reflecting: value).children {
            let entry = Array(Mirror(reflecting: pair.value).children)
            if entry.count == 2, entry[0].value as? String == key { return names.wrap(entry[1].value) }
        }
        names.note("\(type(of: value))[\"\(key)\"]")
        return nil
    }
}

/// The names a render asked for that its context does not have.
final class UnknownNames: Sendable {
    private let names = Mutex<[String]>([])

    func note(_ name: String) {
        names.withLock { $0.append(name) }
    }

    /// The names noted since the last call, first asked first.
    func take() -> [String] {
        names.withLock { names in
            defer { names.removeAll() }
            return names
        }
    }

    /// `value` as a template reads it: scalars as they are, optionals
    /// unwrapped, collections element by element, anything else strict.
    func wrap(_ value: Any) -> Any? {
        switch value {
        case is String, is Bool, is Int, is Int64, is UInt32, is UInt64, is Double:
            return value
        default:
            break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { wrap($0.value) }
        case .collection, .set:
            return mirror.children.map { wrap($0.value) as Any }
        case .dictionary:
            return StrictDictionary(value: value, names: self)
        case .struct, .class, .enum, .tuple:
            return StrictValue(value: value, names: self)
        default:
            return value
        }
    }
}
