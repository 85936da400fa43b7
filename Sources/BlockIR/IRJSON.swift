import Foundation

/// The IR's one JSON form: sorted keys, so that dumps and snapshots are
/// byte-identical from run to run.
public enum IRJSON {
    public static func encode(_ api: BlockLayerAPI) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(api), as: UTF8.self) + "\n"
    }

    public static func decode(_ text: String) throws -> BlockLayerAPI {
        try JSONDecoder().decode(BlockLayerAPI.self, from: Data(text.utf8))
    }
}
