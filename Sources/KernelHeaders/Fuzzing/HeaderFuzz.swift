import BlockIR
import Foundation
import Logging

/// The text of `include/linux/blk-mq.h` in a copy of the fixture kernel
/// tree, through the whole `HeaderScan` (both passes when members hide
/// under `#if`): an IR or a `HeaderError`, never a trap.
///
/// Invariants of an IR: a second scan gives the same one (the output is
/// byte-identical from run to run); each record's members are in header
/// order and inside the record's header; a member's condition names only
/// Kconfig symbols (it becomes a Rust cfg).
struct HeaderFuzz {
    let tree: KernelTree
    let header: String
    let scan: HeaderScan

    init(scratch: String, fixtureKernel: String) throws {
        try FileManager.default.copyItem(atPath: fixtureKernel, toPath: "\(scratch)/kernel")
        tree = try KernelTree.locate(headers: "\(scratch)/kernel/include")
        header = "\(tree.srctree)/include/linux/blk-mq.h"
        var quiet = Logger(label: "mqgen.fuzz")
        quiet.logLevel = .critical
        scan = HeaderScan(tree: tree, logger: quiet)
    }

    func run(_ input: [UInt8]) -> [String] {
        Scratch.write(input, to: header)
        guard let api = try? scan.run() else { return [] }
        var problems = [api.mqOps, api.diskOps, api.tagSet, api.queueLimits].flatMap(recordProblems)
        if (try? scan.run()) != api { problems.append("a second scan of the same header gave another IR") }
        return problems
    }

    private func recordProblems(_ record: Record) -> [String] {
        var problems: [String] = []
        let lines = record.fields.map(\.line)
        if !lines.isSorted { problems.append("struct \(record.name): members out of header order (lines \(lines))") }
        let lineCount = FileManager.default.contents(atPath: "\(tree.srctree)/\(record.header)")
            .map { ConstantsFuzz.lineCount([UInt8]($0)) } ?? Int.max
        if let field = record.fields.first(where: { $0.line < record.line || $0.line > lineCount }) {
            problems.append("struct \(record.name) (line \(record.line)): member \(field.name) at line \(field.line), outside it")
        }
        for field in record.fields {
            if let symbol = field.condition?.symbols.first(where: { ConditionalBlocks.kconfigSymbol($0) == nil }) {
                problems.append("struct \(record.name) member \(field.name) is under non-Kconfig symbol \(symbol)")
            }
        }
        return problems
    }
}
