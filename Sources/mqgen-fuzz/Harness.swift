import Foundation
import KernelHeaders

// libFuzzer's harness for the header reader and the macro evaluator
// (`Scripts/fuzz` builds it with `-sanitize=fuzzer,address -DFUZZING`, and libFuzzer's own `main` runs it). The target comes
// from MQGEN_FUZZ_TARGET, the fixture tree from MQGEN_FUZZ_FIXTURE.
//
// Built without FUZZING (as `swift build` does) it replays files instead:
// `mqgen-fuzz <target> <fixture-kernel> FILE...`, printing what each broke.

/// The harness, made on the first input: libFuzzer calls in from C, once per input.
nonisolated(unsafe) private var harness: FuzzHarness?

private func makeHarness(target name: String?, fixture: String?) -> FuzzHarness {
    guard let name, let target = FuzzTarget(rawValue: name), let fixture else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
        fatalError("mqgen-fuzz: set MQGEN_FUZZ_TARGET=\(names) and MQGEN_FUZZ_FIXTURE=<Tests/Fixtures/kernel>")
    }
    do { return try FuzzHarness(target: target, fixtureKernel: fixture) } catch {
        fatalError("mqgen-fuzz: cannot set up \(name): \(error)")
    }
}

#if FUZZING
/// libFuzzer's driver (`LLVMFuzzerRunDriver`). SwiftPM links an executable's
/// `main` to `mqgen_fuzz_main`, so libFuzzer's own `main` is not the one
/// that runs; this one calls the driver as that `main` would. Declared by
/// name: three pointer arguments and an `int` result are passed alike by
/// the Swift and the C calling conventions.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("mqgen_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv, testOneInput)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let environment = ProcessInfo.processInfo.environment
    let run = harness ?? makeHarness(target: environment["MQGEN_FUZZ_TARGET"], fixture: environment["MQGEN_FUZZ_FIXTURE"])
    harness = run
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let problems = run(input)
    // A broken invariant must stop libFuzzer, which then saves the input.
    if !problems.isEmpty { fatalError("invariant broken: " + problems.joined(separator: "; ")) }
    return 0
}
#else
@main enum Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.count >= 2 else {
            FileHandle.standardError.write(Data("usage: mqgen-fuzz <target> <fixture-kernel> FILE...\n".utf8))
            exit(2)
        }
        let replay = makeHarness(target: arguments.first, fixture: arguments.dropFirst().first)
        var failed = false
        for path in arguments.dropFirst(2) {
            let problems = replay(Array(FileManager.default.contents(atPath: path) ?? Data()))
            for problem in problems { print("\(path): \(problem)") }
            failed = failed || !problems.isEmpty
        }
        exit(failed ? 1 : 0)
    }
}
#endif
