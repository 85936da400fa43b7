import Stencil
import Synchronization

/// The era capabilities as templates ask for them:
/// `{% if ctx.features.queueData %}`.
///
/// A plain dictionary answers a misspelled name (`queuData`) with nothing,
/// which renders the older API without a word. Here every name a template
/// asks for is looked up in the era table (`KernelFeature`), and one it
/// does not have is remembered; the renderer turns it into an error naming
/// the template and the capability.
final class TemplateCapabilities: DynamicMemberLookup, Sendable {
    private let enabled: Set<KernelFeature>
    private let unknown = Mutex<Set<String>>([])

    init(_ features: KernelFeatures) {
        enabled = Set(KernelFeature.allCases.filter(features.has))
    }

    subscript(dynamicMember member: String) -> Any? {
        guard let feature = KernelFeature(rawValue: member) else {
            unknown.withLock { _ = $0.insert(member) }
            return nil
        }
        return enabled.contains(feature)
    }

    /// The names asked for since the last call that the table does not have.
    func takeUnknown() -> [String] {
        unknown.withLock { names in
            defer { names.removeAll() }
            return names.sorted()
        }
    }
}
