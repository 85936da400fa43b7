import Foundation

/// The record of what mqgen wrote into a directory: each file's path and a
/// digest of its contents as written.
///
/// It is how a run knows what it owns. Only a file listed here may be
/// removed as stale, and a listed file whose contents no longer match its
/// digest was edited by hand since, so it is not replaced without `--force`.
/// Nothing is ever found by scanning a directory.
struct Manifest: Equatable {
    /// Its name in the output root (in a kernel tree, ignored by the kernel's `.gitignore`).
    static let fileName = ".mqgen-manifest"

    /// Digest by path relative to the root.
    var digests: [String: String]

    init(digests: [String: String] = [:]) {
        self.digests = digests
    }

    init(files: [String: String]) {
        digests = files.mapValues { Self.digest(Data($0.utf8)) }
    }

    /// The manifest's text: sorted, no dates, so that it is byte-identical run to run.
    var text: String {
        var lines = [
            "# Written by mqgen: the files it generated here, each with the FNV-1a 64 digest of what it wrote.",
            "# mqgen replaces or removes only these, and refuses (without --force) one edited since.",
        ]
        lines += digests.keys.sorted().map { "\(digests[$0]!) \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads the manifest of `root`; nil when there is none (a tree from
    /// before manifests, or a new directory).
    static func load(root: String) throws(WriteError) -> Manifest? {
        let path = "\(root)/\(fileName)"
        let data: Data?
        do { data = try FileSystem.read(path) } catch { throw .state(path: path, reason: error.reason) }
        guard let data else { return nil }
        var digests: [String: String] = [:]
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1)
            // One spelling per file: no absolute, empty, `.` or `..` components.
            let components = parts.count == 2 ? parts[1].split(separator: "/", omittingEmptySubsequences: false) : []
            guard parts.count == 2, parts[0].hasPrefix("fnv1a64:"),
                  components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
                  digests.updateValue(String(parts[0]), forKey: String(parts[1])) == nil else {
                throw .state(path: "\(path):\(number + 1)", reason: "not a line of an mqgen manifest (or a path listed twice); remove the file to start afresh")
            }
        }
        return Manifest(digests: digests)
    }

    /// FNV-1a over 64 bits: it tells an edited file from the one written,
    /// which is all the manifest needs (it guards against accidents, not
    /// adversaries), and needs no crypto library.
    static func digest(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
