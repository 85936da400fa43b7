import Foundation

/// A line (or a few) that the generated module needs in a kernel file mqgen
/// does not own, and where it belongs there.
///
/// Kernel files such as `rust/kernel/lib.rs` keep their entries sorted, so an
/// insertion goes before the first entry of its group that sorts after it,
/// the way a developer would add it by hand. An insertion whose entry is
/// already declared, in whatever spelling, changes nothing, which makes a
/// second run a no-op.
public struct Insertion: Sendable, Equatable {
    public enum Placement: Sendable, Equatable {
        /// Sorted among the lines of the group, by the name each declares.
        case sorted
        /// After the last line of the group (for lists that are not sorted).
        case afterLast
    }

    /// The block to insert: attributes first, the entry itself last.
    public let lines: [String]
    public let group: LineGroup
    public let placement: Placement
    /// What the entry declares (module name, header path, constant name).
    let name: Substring

    public init(lines: [String], group: LineGroup, placement: Placement) {
        self.lines = lines
        self.group = group
        self.placement = placement
        guard let name = group.name(declaredBy: Substring(lines.last!)) else {
            preconditionFailure("\(lines.last!) is not an entry of \(group)")
        }
        self.name = name
    }
}

extension Insertion {
    /// The text with this insertion applied, or nil when the file has no line
    /// of the group to place it by (the file is not what mqgen expects).
    func applied(to text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let names = lines.map { group.name(declaredBy: $0) }
        if names.contains(name) { return text }
        // Only the group's outermost lines place it: an entry put after one
        // inside `#if IS_ENABLED(CONFIG_X)` would exist only with CONFIG_X.
        // (Outermost, not depth 0: a file may sit inside an include guard.)
        let depths = Self.conditionalDepths(of: lines)
        let all = names.indices.filter { names[$0] != nil }
        let outermost = all.map { depths[$0] }.min()
        let members = all.filter { depths[$0] == outermost }
        guard let last = members.last else { return nil }
        var index = last + 1
        if placement == .sorted, let next = members.first(where: { names[$0]! > name }) {
            // Attributes such as #[cfg(...)] belong to the entry below them.
            index = next
            while index > 0, lines[index - 1].trimmingCharacters(in: .whitespaces).hasPrefix("#[") { index -= 1 }
        }
        lines.insert(contentsOf: self.lines.map { Substring($0) }, at: index)
        return lines.joined(separator: "\n")
    }

    /// How many preprocessor conditionals (`#if`, `#ifdef`, `#ifndef`) each
    /// line is inside; a Rust `#[...]` attribute is not one.
    static func conditionalDepths(of lines: [Substring]) -> [Int] {
        var depth = 0
        return lines.map { line in
            let directive = line.drop { $0 == " " || $0 == "\t" }
            guard directive.hasPrefix("#"), !directive.hasPrefix("#[") else { return depth }
            let word = directive.dropFirst().drop { $0 == " " || $0 == "\t" }.prefix { $0.isLetter }
            switch word {
            case "if", "ifdef", "ifndef":
                depth += 1
                return depth
            case "endif":
                depth = max(depth - 1, 0)
                return depth + 1
            default:
                return depth
            }
        }
    }
}
