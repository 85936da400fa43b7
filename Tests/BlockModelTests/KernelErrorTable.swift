@testable import BlockModel
import Foundation

/// `blk_errors[]` of a kernel's `block/blk-core.c` as (errno, status) pairs,
/// with the values of its `-EXXX` and `BLK_STS_XXX` names read from the same
/// tree's headers: an expectation that owes nothing to the model's table.
enum KernelErrorTable {
    static let tools = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/kernel-tools").path

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func load() throws -> [(Int32, BlkStatus)] {
        let errnos = try defines(in: ["include/uapi/asm-generic/errno-base.h", "include/uapi/asm-generic/errno.h"])
        let statuses = try defines(in: ["include/linux/blk_types.h"])
        let core = try read("block/blk-core.c")
        guard let start = core.range(of: "blk_errors[] = {"), let end = core[start.upperBound...].range(of: "\n};") else {
            throw Missing(description: "no blk_errors[] in block/blk-core.c")
        }
        var pairs: [(Int32, BlkStatus)] = []
        // `[BLK_STS_NOSPC]  = { -ENOSPC, "critical space allocation" },`
        for line in core[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let words = line.split(whereSeparator: { " \t[]={},\"".contains($0) })
            guard words.count >= 2, words[0].hasPrefix("BLK_STS_") else { continue }
            guard let status = statuses[String(words[0])] else { throw Missing(description: "\(words[0]) is not defined in blk_types.h") }
            let errnoName = words[1].hasPrefix("-") ? String(words[1].dropFirst()) : String(words[1])
            guard let errno = errnoName == "0" ? 0 : errnos[errnoName] else { throw Missing(description: "\(errnoName) is not defined in errno.h") }
            pairs.append((Int32(errno), BlkStatus(rawValue: UInt8(status))))
        }
        return pairs
    }

    /// `#define NAME N` and `#define NAME ((__force blk_status_t)N)`, and
    /// names defined as other names (`EWOULDBLOCK EAGAIN`).
    static func defines(in files: [String]) throws -> [String: Int] {
        var values: [String: Int] = [:], aliases: [String: String] = [:]
        for file in files {
            for line in try read(file).split(separator: "\n") where line.hasPrefix("#define") {
                let code = line.split(separator: "/*", maxSplits: 1, omittingEmptySubsequences: false)[0]
                let words = code.split(whereSeparator: { " \t()".contains($0) })
                guard words.count >= 3 else { continue }
                let value = words.last!
                if let number = Int(value) { values[String(words[1])] = number } else { aliases[String(words[1])] = String(value) }
            }
        }
        for (name, target) in aliases where values[name] == nil { values[name] = values[target] }
        return values
    }

    static func read(_ file: String) throws -> String {
        do { return try String(contentsOfFile: "\(tools)/\(file)", encoding: .utf8) } catch {
            throw Missing(description: "\(tools)/\(file) is missing; run Scripts/setup")
        }
    }
}
