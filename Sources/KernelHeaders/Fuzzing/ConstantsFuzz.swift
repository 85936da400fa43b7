import BlockIR
import Clang
import Foundation

/// A header's text parsed alone (its includes are not found, so one exec is
/// quick), through the code that reads constants and `#if` structure:
/// `ConstantReader` over the whole file, and `ConditionalBlocks` as a struct
/// body is read (strict) and as a header is (tolerant).
///
/// Invariants: the branches lie inside the file and are sorted; a strict
/// read that succeeds agrees with the tolerant one; and each Kconfig `#if`
/// holds, for every choice of its symbols, exactly when clang's
/// preprocessor keeps its lines.
struct ConstantsFuzz {
    let scratch: String
    let fixtureKernel: String
    let index = Index()

    private var tree: KernelTree { KernelTree(srctree: "\(scratch)/tree", objtree: "\(scratch)/tree") }
    private var header: String { "\(scratch)/tree/include/linux/blk-mq.h" }

    init(scratch: String, fixtureKernel: String) {
        self.scratch = scratch
        self.fixtureKernel = fixtureKernel
        Scratch.makeDirectories(["\(scratch)/tree/include/linux"])
    }

    func run(_ input: [UInt8]) -> [String] {
        Scratch.write(input, to: header)
        guard let unit = try? TranslationUnit(index: index, mainFile: header, arguments: ["-nostdinc", "-w"],
                                              options: [.skipFunctionBodies]),
              let file = unit.file(header) else { return [] }
        let top = TopLevelIndex(unit: unit, tree: tree, versionHeader: "\(scratch)/tree/version.h")
        _ = try? ConstantReader(tree: tree, unit: unit).read(top: top)

        let tokens = unit.tokens(of: file), source = unit.contents(of: file)
        guard let tolerant = try? ConditionalBlocks(tokens: tokens, source: source, tolerant: true) else {
            return ["the tolerant read threw"]
        }
        var problems = Self.shapeProblems(tolerant, lineCount: Self.lineCount(source))
        if let strict = try? ConditionalBlocks(tokens: tokens, source: source), strict.branches != tolerant.branches {
            problems.append("the strict read found other branches than the tolerant one")
        }
        let directives = ConditionalBlocks.directives(in: tokens, source: source)
        let check = ConditionCheck(index: index, path: "\(scratch)/condition.c", fixtureKernel: fixtureKernel, scratch: scratch)
        return problems + check.disagreements(directives)
    }

    /// Lines as clang numbers them: a lone carriage return ends one too.
    static func lineCount(_ source: [UInt8]) -> Int {
        let (cr, lf) = (UInt8(ascii: "\r"), UInt8(ascii: "\n"))
        return source.indices.count { source[$0] == lf || source[$0] == cr && source.dropFirst($0 + 1).first != lf } + 1
    }

    static func shapeProblems(_ blocks: ConditionalBlocks, lineCount: Int) -> [String] {
        var problems: [String] = []
        let lines = 1...lineCount
        if let outside = blocks.branches.first(where: { !lines.contains($0.lines.lowerBound) || !lines.contains($0.lines.upperBound) }) {
            problems.append("branch \(outside.directiveText) covers lines \(outside.lines), outside the file's \(lines)")
        }
        if !blocks.branches.map(\.lines.lowerBound).isSorted {
            problems.append("branches are not in line order")
        }
        if let line = blocks.directiveLines.first(where: { !lines.contains($0) }) {
            problems.append("directive line \(line) outside the file's \(lines)")
        }
        return problems
    }
}

extension ConditionalBlocks.Branch: Equatable {
    static func == (a: Self, b: Self) -> Bool {
        a.condition == b.condition && a.lines == b.lines && a.directive == b.directive && a.directiveText == b.directiveText
    }
}

extension Array where Element: Comparable {
    var isSorted: Bool { zip(self, dropFirst()).allSatisfy { $0 <= $1 } }
}

extension Scratch {
    static func makeDirectories(_ paths: [String]) {
        for path in paths { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    }
}
