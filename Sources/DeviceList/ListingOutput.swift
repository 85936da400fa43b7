import Foundation

extension Listing {
    static let header = ["TRANSPORT", "DEVICE", "ID/NAME", "DRIVER", "SIZE", "BLOCK", "QUEUES", "DEPTH", "BACKING", "PID", "STATE"]

    /// One line per device under a header, each column as wide as its widest
    /// cell; "-" where nothing is known, "not-ours" as the driver of a device
    /// another program made.
    public var text: String {
        let rows = [Self.header] + devices.map(\.cells)
        let widths = Self.header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).enumerated().map { column, cell in
                column == row.count - 1 ? cell.0 : cell.0.padding(toLength: cell.1, withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// An array of one object per device, keys sorted, nulls kept.
    public var json: String {
        // Foundation prints an empty array over three lines.
        guard !devices.isEmpty else { return "[]\n" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // Strings, integers, booleans and nulls: encoding cannot fail.
        return String(decoding: try! encoder.encode(devices), as: UTF8.self) + "\n"
    }
}

extension ListedDevice {
    var cells: [String] {
        [transport.rawValue, path ?? "-", id.map(String.init) ?? name ?? "-", ours ? driver ?? "-" : "not-ours",
         bytes.map(Self.size) ?? "-", blockSize.map(String.init) ?? "-", queues.map(String.init) ?? "-",
         depth.map(String.init) ?? "-", backingFile ?? "-", serverPID.map(String.init) ?? "-", state.rawValue]
    }

    /// Bytes in the largest unit that divides them: 1G, 320M, 4K or 1000.
    static func size(_ bytes: UInt64) -> String {
        for (unit, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] where bytes > 0 && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(unit)"
        }
        return String(bytes)
    }
}
