import ArgumentParser
import BlockIR
import Foundation
import Gen
import KernelHeaders
import Logging
import Porting

/// `mqgen diff`: what changed under a block driver between two trees.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Report what changed under a block driver between two kernel trees: struct members, constants, helpers and era capabilities.",
        discussion: "Each DIR is an include/ directory, paired with its objtree as --headers pairs it. Any difference exits 0; errors exit 1.")

    @Option(help: ArgumentHelp("The include/ directory of the tree the driver is written against.", valueName: "dir"))
    var from: String

    @Option(help: ArgumentHelp("The include/ directory of the tree to port it to.", valueName: "dir"))
    var to: String

    @Option(name: .customLong("from-objtree"), help: ArgumentHelp("The objtree of --from, for an out-of-tree build.", valueName: "dir"))
    var fromObjtree: String?

    @Option(name: .customLong("to-objtree"), help: ArgumentHelp("The objtree of --to, for an out-of-tree build.", valueName: "dir"))
    var toObjtree: String?

    @Flag(help: "Print the report as JSON (sorted keys) instead of text.")
    var json = false

    @Flag(name: .shortAndLong, help: "Say what is being parsed.")
    var verbose = false

    func run() throws {
        let logger = Generate.logger(verbose: verbose)
        let (old, new) = (try Self.scan(from, objtree: fromObjtree, logger: logger), try Self.scan(to, objtree: toObjtree, logger: logger))
        let report = PortingReport(from: old.api, arch: old.tree.arch.srcarch, features: old.features,
                                   to: new.api, arch: new.tree.arch.srcarch, features: new.features)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try StandardOutput.write(String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
        } else {
            try StandardOutput.write(report.text)
        }
    }

    /// One tree's IR and capabilities, with generation's errors.
    static func scan(_ headers: String, objtree: String?, logger: Logging.Logger) throws -> (tree: KernelTree, api: BlockLayerAPI, features: KernelFeatures) {
        do {
            let tree = try KernelTree.locate(headers: headers, objtree: objtree)
            logger.info("parsing \(tree.srctree) (objtree \(tree.objtree))")
            let api = try HeaderScan(tree: tree, logger: logger).run()
            return (tree, api, KernelFeatures(sourceTree: tree.srctree, release: api.kernel))
        } catch {
            throw ToolFailure(message: error.description)
        }
    }
}
