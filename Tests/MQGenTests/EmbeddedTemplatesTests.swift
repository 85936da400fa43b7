import Foundation
import TestSupport
import Testing
@testable import Gen
@testable import KernelTreeEditor
@testable import Writer

/// The templates compiled into mqgen are `Templates/` as it is, and a copy
/// of the binary alone, with no checkout reachable, writes what the
/// checkout's templates write.
@Suite struct EmbeddedTemplatesTests {
    @Test func theCompiledInTemplatesAreTheTemplatesDirectory() throws {
        let directory = Repo.templateDirectory
        var texts: [String: String] = [:]
        for name in directory.names() {
            texts[name] = try String(contentsOfFile: "\(directory.path)/\(name)", encoding: .utf8)
        }
        #expect(texts.count >= 10)
        try expectGolden(EmbeddedTemplatesSource.swift(texts), at: "\(Repo.root)/\(EmbeddedTemplatesSource.path)",
                         regenerate: "MQGEN_UPDATE_GOLDENS=1 swift test --filter EmbeddedTemplatesTests")
        // What the binary was built with, too (not only what the file says).
        #expect(EmbeddedTemplates.texts == texts || Repo.updating)
    }

    /// The binary is copied to a new directory and run under a mount
    /// namespace where the checkout is an empty tmpfs and MQGEN_TEMPLATES is
    /// unset: nothing of the checkout can be read, and the 6.12 Debian tree
    /// must generate `Output/6.12` byte for byte.
    @Test func aCopiedBinaryWithoutItsCheckoutWritesTheSameTree() throws {
        let scratch = "/tmp/mqgen-installed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: "\(scratch)/bin", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try FileManager.default.copyItem(atPath: Repo.mqgen, toPath: "\(scratch)/bin/mqgen")
        let script = """
            mount -t tmpfs mqgen-hidden '\(Repo.root)' && cd / && \
            exec env -u MQGEN_TEMPLATES '\(scratch)/bin/mqgen' --headers '\(DebianTree.v6_12.objtree)/include' --output '\(scratch)/out'
            """
        let run = try ChildProcess.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script], timeout: 120)
        try #require(run.status == 0, "\(run.stderr)")
        let expected = snapshot("\(Repo.root)/Output/6.12")
        #expect(snapshot("\(scratch)/out") == expected)
        #expect(expected.count > 9)
    }
}
