import ArgumentParser
import BlockIR
import Foundation
import Gen
import KernelHeaders
import KernelTreeEditor
import Logging
import Writer

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse blk-mq.h and blkdev.h and render the Rust mq module, the C helpers and the bindings_helper.h lines.")

    @OptionGroup var tree: TreeOptions

    @Option(help: ArgumentHelp("Where to write the generated tree. Default: Output/<major.minor>.", valueName: "dir"))
    var output: String?

    /// What a run renders.
    enum Emit: String, ExpressibleByArgument, CaseIterable {
        case kernel
        case swiftModel = "swift-model"
    }

    @Option(help: ArgumentHelp(
        "kernel: the Rust mq module, C helpers and bindings_helper.h lines (default Output/<major.minor>); swift-model: the ops table and status codes BlockModel compiles against (default Sources/BlockModel/Generated).",
        valueName: "what"))
    var emit: Emit = .kernel

    @Flag(help: "Compare the output directory with what the headers generate; write nothing, exit 1 on a difference.")
    var check = false

    @Flag(help: "Overwrite or remove generated files edited by hand since mqgen wrote them, and files at generated paths that mqgen did not write.")
    var force = false

    @Flag(name: .customLong("dump-ir"), help: "Print the intermediate representation as JSON and stop.")
    var dumpIR = false

    @Option(help: ArgumentHelp("A Stencil templates directory, for template work. Default: $MQGEN_TEMPLATES, else the templates compiled into mqgen.", valueName: "dir"))
    var templates: String?

    @Flag(name: .customLong("print-clang-args"), help: "Print the clang arguments used for this tree, one a line, and stop.")
    var printClangArgs = false

    @Flag(name: .customLong("print-probe"), help: "Print the C file mqgen parses (the headers it includes), and stop.")
    var printProbe = false

    @Flag(name: .shortAndLong, help: "Say what is being parsed and written, and how long each step took.")
    var verbose = false

    func validate() throws {
        if tree.kernelTree != nil, emit == .swiftModel {
            throw ValidationError("--kernel-tree writes kernel files; drop --emit swift-model")
        }
        if tree.kernelTree != nil, output != nil {
            throw ValidationError("--kernel-tree writes into that tree; drop --output")
        }
        if output?.isEmpty == true {
            throw ValidationError("--output: an empty path; name the directory to write into")
        }
        if [check, dumpIR, printClangArgs, printProbe].filter({ $0 }).count > 1 {
            throw ValidationError("--check, --dump-ir, --print-clang-args and --print-probe cannot be combined")
        }
    }

    func run() throws {
        let logger = Self.logger(verbose: verbose)
        let phases = PhaseLog()
        defer { for line in phases.lines { logger.info("\(line)") } }
        try phases.time("run") { try run(logger: logger, phases: phases) }
    }

    private func run(logger: Logger, phases: PhaseLog) throws {
        if printProbe {
            try StandardOutput.write(HeaderScan.probe())
            return
        }
        let kernelTree = try phases.time("locate") { try tree.locate(sweepingIncludePath: false) }
        // The include path is walked beside the parse (it takes about as
        // long as the rest of locating the tree). A FIFO or device there
        // could block libclang's open forever, so a problem found ends the
        // process from the sweep's thread, before anything is written: the
        // writer waits for the sweep.
        let sweep = Background { () -> Void in
            try phases.time("include path sweep (beside the parse)") {
                if let problem = kernelTree.includePathProblem() { MQGenCommand.failNow(problem.description) }
            }
        }
        if printClangArgs {
            try sweep.value()
            try StandardOutput.write(kernelTree.clangArguments.joined(separator: "\n") + "\n")
            return
        }
        let templatesPath = templates
        let renderer = Background {
            try phases.time("templates (beside the parse)") { try Renderer(templates: try TemplateSource.resolve(explicit: templatesPath)) }
        }
        logger.info("srctree \(kernelTree.srctree), objtree \(kernelTree.objtree)")
        for line in kernelTree.argumentsProvenance { logger.info("clang arguments: \(line)") }
        let api: BlockLayerAPI
        do { api = try HeaderScan(tree: kernelTree, logger: logger, phases: phases).run() } catch {
            // A problem on the include path explains a failed parse first.
            try sweep.value()
            throw ToolFailure(message: error.description)
        }
        try phases.time("waiting for the sweep") { try sweep.value() }
        if dumpIR {
            try StandardOutput.write(try IRJSON.encode(api))
            return
        }
        let directory = tree.kernelTree ?? output ?? defaultOutput(for: api)
        do {
            let loaded = try phases.time("waiting for templates") { try renderer.value() }
            let writer = try OutputWriter(root: directory, isKernelTree: tree.kernelTree != nil, landmark: FileTable.moduleFile)
            // In a kernel tree, the era is probed from its files and the
            // lines to insert are read from them: only once the writer holds
            // the tree (and has undone an interrupted run) are they what they seem.
            var placed = GeneratedTree(files: [:])
            let place = { () throws -> GeneratedTree in
                let rendered: GeneratedTree
                switch emit {
                case .kernel:
                    let features = KernelFeatures(sourceTree: kernelTree.srctree, release: api.kernel)
                    for line in features.reasons { logger.info("era: \(line)") }
                    rendered = try loaded.render(api, features: features)
                case .swiftModel: rendered = try loaded.renderModel(api)
                }
                placed = try rendered.placed(inKernelTree: tree.kernelTree, bindings: BindingsLines(api: api))
                return placed
            }
            let timedPlace = { () throws -> GeneratedTree in try phases.time("render", place) }
            if check {
                try report(writer.check(timedPlace()), tree: placed, writer: writer)
                return
            }
            let start = ContinuousClock.now
            let report = try writer.write(force: force, tree: timedPlace)
            phases.record("write", ContinuousClock.now - start - phases.duration(of: "render"))
            if let recovered = report.recovered { note("\(writer.root): \(recovered)") }
            note("\(api.kernel): \(placed.files.count) files in \(directory): \(report.changed.count) written, \(report.unchanged.count) unchanged, \(report.stale.count) removed")
        } catch let error as GenError {
            throw ToolFailure(message: error.description)
        } catch let error as WriteError {
            throw ToolFailure(message: error.description)
        } catch let error as InTreeError {
            throw ToolFailure(message: error.description)
        }
    }

    private func defaultOutput(for api: BlockLayerAPI) -> String {
        switch emit {
        case .kernel: "Output/\(api.kernel.series)"
        case .swiftModel: "Sources/BlockModel/Generated"
        }
    }

    private func report(_ report: OutputWriter.Report, tree rendered: GeneratedTree, writer: OutputWriter) throws {
        guard !report.isClean else {
            note("\(writer.root) is up to date")
            return
        }
        for path in report.changed {
            let current = (try? String(contentsOfFile: "\(writer.root)/\(path)", encoding: .utf8)) ?? ""
            try StandardOutput.write(UnifiedDiff.between(current, rendered.files[path]!, label: path))
        }
        for path in report.stale { try StandardOutput.write("stale: \(path)\n") }
        var command = ["mqgen"] + CommandLine.arguments.dropFirst().filter { $0 != "--check" }
        if output == nil { command += ["--output", writer.root] }
        throw ToolFailure(message: "\(writer.root) differs from its headers in \(report.changed.count + report.stale.count) file(s); regenerate with: \(command.joined(separator: " "))")
    }

    static func logger(verbose: Bool) -> Logger {
        var logger = Logger(label: "mqgen") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = verbose ? .info : .warning
        return logger
    }
}
