extension PortingReport {
    /// The report for people: grouped, one change a line, old -> new.
    public var text: String {
        var lines = ["mqgen diff: \(from.release) (\(from.arch)) -> \(to.release) (\(to.arch))"]
        guard !isEmpty else { return (lines + ["no differences"]).joined(separator: "\n") + "\n" }
        for name in Self.records.map(\.name) {
            guard let changes = structs[name], !changes.isEmpty else { continue }
            lines += ["", "struct \(name) (\(changes.header))"]
            lines += changes.changed.map { "  changed \($0.name): \($0.from) -> \($0.to)" }
            lines += changes.added.map { "  added   \($0)" }
            lines += changes.removed.map { "  removed \($0)" }
        }
        for family in constants.keys.sorted() {
            guard let changes = constants[family], !changes.isEmpty else { continue }
            lines += ["", "constants \(family)*"]
            lines += changes.changed.map { "  changed \($0.name): \($0.from) -> \($0.to)" }
            lines += changes.added.map { "  added   \($0.name) = \($0.to)" }
            lines += changes.removed.map { "  removed \($0.name) (was \($0.from))" }
        }
        if !helpers.isEmpty {
            lines += ["", "functions the generated module calls"]
            lines += helpers.changed.map { "  changed \($0.name): \($0.from) -> \($0.to)" }
            lines += helpers.added.map { "  added   \($0.to)" }
            lines += helpers.removed.map { "  removed \($0.from)" }
        }
        if !capabilities.isEmpty {
            lines += ["", "era capabilities (what a Rust driver changes)"]
            lines += capabilities.map { change in
                "  \(change.name): \(change.from ? "yes" : "no") -> \(change.to ? "yes" : "no"): " + (change.to ? change.driverChange : "undo: \(change.driverChange)")
            }
        }
        lines += ["", "generated module"]
        lines.append("  callbacks it implements, changed: " + (generatedModule.implemented.isEmpty ? "none" : generatedModule.implemented.joined(separator: ", ")))
        lines.append("  members it leaves None, changed: " + (generatedModule.leftNone.isEmpty ? "none" : generatedModule.leftNone.joined(separator: ", ")))
        return lines.joined(separator: "\n") + "\n"
    }
}
