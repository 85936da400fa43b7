import BlockIR
import Foundation
import TestSupport
import Testing
@testable import Gen
@testable import KernelTreeEditor
@testable import Writer

/// `blk_mq_ops` members that mqgen once copied into the `const VTABLE`
/// literal as they were, which rustc rejects or misreads: names that are
/// Rust keywords, and function pointers declared through typedefs (the way
/// older kernels spelled `queue_rq_fn *queue_rq`).
///
/// The expectations come from bindgen 0.60 (Debian's, the one the 6.12
/// kernel proof builds with) run over the same tree with the same clang
/// arguments: the VTABLE must name exactly the fields bindgen generates, and
/// initialise each as its bindgen type requires. The Swift model's table is
/// checked by the Swift compiler's parser.
@Suite struct MemberNamingTests {
    typealias Edit = FixtureTree.Edit

    static let mq = "include/linux/blk-mq.h"

    /// Rust keywords and reserved words, each a member; an integer typedef, a pointer typedef,
    /// and function pointers through typedefs of a function type and of a
    /// pointer type. The inline bodies are made valid C for bindgen, which
    /// does not skip them as mqgen does.
    static let hostile: [Edit] = [
        Edit(file: mq, find: "struct blk_mq_ops {\n", replace: """
            typedef blk_status_t (queue_rq_fn)(struct blk_mq_hw_ctx *, const struct blk_mq_queue_data *);
            typedef enum blk_eh_timer_return (*timeout_fn_t)(struct request *);
            typedef struct request *request_ptr;
            typedef unsigned int ops_flags_t;
            struct blk_mq_ops {
            \tvoid (*type)(struct request *);
            \tvoid (*match)(struct request *);
            \tvoid (*self)(struct request *);
            \tvoid (*async)(struct request *);
            \tvoid (*fn)(struct request *);
            \tvoid (*_)(struct request *);
            \trequest_ptr last;
            \tops_flags_t flags;

            """),
        Edit(file: mq, find: """
            \tblk_status_t (*queue_rq)(struct blk_mq_hw_ctx *,
            \t\t\t\t const struct blk_mq_queue_data *);
            """, replace: "\tqueue_rq_fn *queue_rq;\n"),
        Edit(file: mq, find: "\tenum blk_eh_timer_return (*timeout)(struct request *);", replace: "\ttimeout_fn_t timeout;"),
        Edit(file: mq, find: "return (struct request *)pdu - 1;", replace: "return (struct request *)pdu;"),
        Edit(file: mq, find: "return rq + 1;", replace: "return rq;"),
    ]

    @Test func theVTableNamesAndInitialisesEachFieldAsBindgenGeneratesIt() throws {
        let fixture = try FixtureTree(Self.hostile)
        defer { fixture.remove() }
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try runMQGen(["--headers", fixture.include, "--output", output])
        try #require(run.status == 0, "\(run.stderr)")

        let bindgen = try Bindgen.fields(of: "blk_mq_ops", in: fixture)
        // bindgen sees the branches the tree's configuration selects;
        // the VTABLE names every branch under `#[cfg]`.
        let config = try KconfigSymbols(autoconf: "\(fixture.root)/include/generated/autoconf.h")
        let vtable = try VTableLiteral(file: "\(output)/rust/kernel/block/mq/operations.rs").selected(by: config)
        #expect(vtable.fields.map(\.name) == bindgen.map(\.name))
        for (entry, field) in zip(vtable.fields, bindgen) {
            #expect(field.accepts(entry.value), "\(entry.name): bindgen's type is \(field.type), the VTABLE gives \(entry.value)")
        }
        // The typedef'd queue_rq is the same callback as the spelled-out one.
        #expect(vtable.fields.first { $0.name == "queue_rq" }?.value == "Some(Self::queue_rq_callback)")
    }

    /// The IR of a member spelled through a typedef is that of the same
    /// member spelled out: the unedited fixture says what that is.
    @Test func aFunctionPointerThroughATypedefHasTheSpelledOutType() throws {
        let fixture = try FixtureTree(Self.hostile)
        defer { fixture.remove() }
        let plain = try FixtureTree()
        defer { plain.remove() }
        let (typed, spelled) = (try fixture.scan().mqOps, try plain.scan().mqOps)
        for name in ["queue_rq", "timeout"] {
            let expected = try #require(spelled.field(name)).type
            #expect(typed.field(name)?.type.functionPointee?.parameters.map(\.type) == expected.functionPointee?.parameters.map(\.type), "\(name)")
            #expect(typed.field(name)?.type.functionPointee?.result == expected.functionPointee?.result, "\(name)")
        }
    }

    /// A struct through a typedef cannot be initialised with `0`: refused.
    @Test func aStructMemberThroughATypedefIsRefused() throws {
        let edit = Edit(file: Self.mq, find: "struct blk_mq_ops {\n", replace: """
            typedef struct { int value; } ops_cookie_t;
            struct blk_mq_ops {
            \tops_cookie_t cookie;

            """)
        let fixture = try FixtureTree([edit])
        defer { fixture.remove() }
        let line = try fixture.line(of: "\tops_cookie_t cookie;", in: Self.mq)
        try expectRefusal(fixture, at: "\(Self.mq):\(line)", mentioning: ["'cookie'", "cannot initialise"])
    }

    /// Swift keywords that are C identifiers become backticked names, and
    /// the model's table still parses.
    @Test func theModelTableOfKeywordMembersParsesAsSwift() throws {
        let edit = Edit(file: Self.mq, find: "struct blk_mq_ops {\n", replace: """
            struct blk_mq_ops {
            \tvoid (*func)(struct request *);
            \tvoid (*in)(struct request *);
            \tvoid (*self)(struct request *);
            \tvoid (*init)(struct request *);

            """)
        let fixture = try FixtureTree([edit])
        defer { fixture.remove() }
        let output = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = try runMQGen(["--headers", fixture.include, "--output", output, "--emit", "swift-model"])
        try #require(run.status == 0, "\(run.stderr)")
        let swiftc = try #require(ToolPath.find("swiftc"), "swiftc not in PATH")
        let parse = try ChildProcess.run(swiftc, ["-parse", "\(output)/BlkMqOps.swift"])
        #expect(parse.status == 0, "swiftc -parse: \(parse.stderr)")
    }

    /// Members that would collide in Swift, or have no Swift name, are one
    /// error naming the member.
    @Test(arguments: [
        ("\tvoid (*init_hctx_)(struct request *);\n", "init_hctx_", "both become the Swift name 'initHctx'"),
        ("\tvoid (*_)(struct request *);\n", "_", "has no Swift name"),
    ])
    func aMemberWithoutASwiftNameIsRefusedForTheModel(declaration: String, member: String, fragment: String) throws {
        let edit = Edit(file: Self.mq, find: "\tvoid (*map_queues)(struct blk_mq_tag_set *set);\n",
                        replace: "\tvoid (*map_queues)(struct blk_mq_tag_set *set);\n" + declaration)
        let fixture = try FixtureTree([edit])
        defer { fixture.remove() }
        let line = try fixture.line(of: declaration.trimmingCharacters(in: .newlines), in: Self.mq)
        try expectRefusal(fixture, at: "\(Self.mq):\(line)", mentioning: ["'\(member)'", fragment], emit: "swift-model")
    }

    /// `BindgenName`'s list against bindgen itself: one struct with a
    /// member named after every word, and some that are not reserved.
    @Test func bindgenNamesEveryReservedWordAsMQGenDoes() throws {
        let words = BindgenName.reserved.sorted().filter { !Self.cKeywords.contains($0) } + ["union_", "request", "a$b"]
        let fields = try Bindgen.fields(of: "names", header: Self.header(members: words), arguments: [])
        #expect(fields.map(\.name) == words.map(BindgenName.of))
    }

    /// bindgen 0.60 keeps `await` and `gen`, which later releases rename
    /// (rust-bindgen #2247 and #3100): mqgen cannot know which one builds
    /// the kernel, so it names neither and says why.
    @Test func wordsThatLaterBindgenRenamesAreRefused() throws {
        let words = BindgenName.versionDependent.keys.sorted()
        let fields = try Bindgen.fields(of: "names", header: Self.header(members: words), arguments: [])
        #expect(fields.map(\.name) == words)
        for word in words {
            let edit = Edit(file: Self.mq, find: "struct blk_mq_ops {\n", replace: "struct blk_mq_ops {\n\tvoid (*\(word))(struct request *);\n")
            let fixture = try FixtureTree([edit])
            defer { fixture.remove() }
            let line = try fixture.line(of: "(*\(word))", in: Self.mq)
            try expectRefusal(fixture, at: "\(Self.mq):\(line)", mentioning: ["'\(word)'", "bindgen renames from version \(BindgenName.versionDependent[word]!)"])
        }
    }

    /// A header of one struct `names` with an `int` member for each word.
    static func header(members: [String]) throws -> String {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = "\(directory)/names.h"
        try Data(("struct names {\n" + members.map { "\tint \($0);\n" }.joined() + "};\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Reserved words of Rust that are C keywords too cannot be members.
    static let cKeywords: Set<String> = ["break", "const", "continue", "do", "else", "enum", "extern", "for", "if",
                                         "return", "sizeof", "static", "struct", "while", "typeof"]
}

/// bindgen, run as the kernel runs it, as the independent reader of names
/// and types.
enum Bindgen {
    struct Field {
        var name: String
        /// The field's Rust type with bindgen's type aliases resolved.
        var type: String

        /// Whether `value` initialises a field of this type.
        func accepts(_ value: String) -> Bool {
            if type.contains("Option<") { return value == "None" || value.hasPrefix("Some(") || value.hasPrefix("if T::HAS_") }
            if type.hasPrefix("*mut ") { return value == "core::ptr::null_mut()" }
            if type.hasPrefix("*const ") { return value == "core::ptr::null()" }
            if type.hasSuffix("c_uint") || type.hasSuffix("c_int") || type.hasSuffix("c_ulong") { return value == "0" }
            return false
        }
    }

    /// The fields of `struct record` as bindgen generates them from the tree.
    static func fields(of record: String, in fixture: FixtureTree) throws -> [Field] {
        let clangArguments = try runMQGen(["--headers", fixture.include, "--print-clang-args"]).stdout.split(separator: "\n").map(String.init)
        let probe = "\(fixture.root)/mqgen-bindgen-probe.h"
        try Data("#include <linux/blk-mq.h>\n".utf8).write(to: URL(fileURLWithPath: probe))
        return try fields(of: record, header: probe, arguments: clangArguments)
    }

    static func fields(of record: String, header: String, arguments: [String]) throws -> [Field] {
        let bindgen = try #require(ToolPath.find("bindgen"), "bindgen not found; Scripts/setup installs it")
        // bindgen 0.60 fails on a newer libclang than the clang 14 it was
        // built for (the kernel proof pins it the same way).
        let run = try ChildProcess.run(bindgen, ["--no-layout-tests", "--no-doc-comments", "--allowlist-type", record, header, "--"] + arguments,
                                       environment: ["LIBCLANG_PATH": "/usr/lib/llvm-14/lib"], timeout: 120)
        try #require(run.status == 0, "bindgen: \(run.stderr)")
        return try parse(run.stdout, record: record)
    }

    /// `pub struct record { pub name: type, ... }`, with `pub type A = B;` aliases resolved.
    static func parse(_ rust: String, record: String) throws -> [Field] {
        var aliases: [String: String] = [:]
        for match in rust.matches(of: /pub type (\w+) =\s*([^;]+);/) {
            aliases[String(match.1)] = String(match.2).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let start = try #require(rust.range(of: "pub struct \(record) {"))
        let body = rust[start.upperBound...].prefix { $0 != "}" }
        return body.split(separator: "pub ", omittingEmptySubsequences: true).compactMap { piece in
            guard let colon = piece.firstIndex(of: ":") else { return nil }
            let name = piece[..<colon].trimmingCharacters(in: .whitespaces)
            var type = piece[piece.index(after: colon)...].split(whereSeparator: \.isWhitespace).joined(separator: " ")
            if type.hasSuffix(",") { type.removeLast() }
            return Field(name: name, type: aliases[type] ?? type)
        }
    }
}

/// The `const VTABLE` literal of a generated `operations.rs`: each field,
/// its `#[cfg]` and its initialiser (`if T::HAS_POLL { ... }` kept as its
/// first line).
struct VTableLiteral {
    var fields: [(name: String, value: String, cfg: String?)] = []

    /// The fields a kernel configured with `config` compiles.
    func selected(by config: KconfigSymbols) -> VTableLiteral {
        var copy = self
        copy.fields = fields.filter { $0.cfg.map(config.evaluate) ?? true }
        return copy
    }

    init(file: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let start = try #require(text.range(of: "const VTABLE: bindings::blk_mq_ops = bindings::blk_mq_ops {\n"))
        let body = text[start.upperBound...].prefix { $0 != ";" }
        var cfg: String?
        for line in body.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            // Fields sit at eight spaces; deeper lines belong to an `if`.
            guard line.hasPrefix("        "), !line.hasPrefix("         ") else { continue }
            if trimmed.hasPrefix("#[cfg("), trimmed.hasSuffix(")]") {
                cfg = String(trimmed.dropFirst("#[cfg(".count).dropLast(2))
                continue
            }
            guard let colon = trimmed.firstIndex(of: ":") else { continue }
            var value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.hasSuffix(",") { value.removeLast() }
            fields.append((String(trimmed[..<colon]), value, cfg))
            cfg = nil
        }
    }
}

/// The `CONFIG_*` symbols an `autoconf.h` defines, and Rust `cfg`
/// predicates over them (`CONFIG_X`, `not(..)`, `all(..)`, `any(..)`), as
/// the kernel's `--cfg` flags make rustc evaluate them.
struct KconfigSymbols {
    var defined: Set<String>

    init(autoconf: String) throws {
        let text = try String(contentsOfFile: autoconf, encoding: .utf8)
        defined = Set(text.matches(of: /#define (CONFIG_\w+) 1/).map { String($0.1) })
    }

    func evaluate(_ predicate: String) -> Bool {
        let text = predicate.trimmingCharacters(in: .whitespaces)
        for (prefix, combine) in [("not(", { (terms: [Bool]) in !terms[0] }), ("all(", { $0.allSatisfy { $0 } }), ("any(", { $0.contains(true) })]
            where text.hasPrefix(prefix) && text.hasSuffix(")") {
            return combine(Self.arguments(of: String(text.dropFirst(prefix.count).dropLast())).map(evaluate))
        }
        return defined.contains(text)
    }

    /// `a, f(b, c)` -> `["a", "f(b, c)"]`: commas at depth zero.
    private static func arguments(of list: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for character in list {
            if character == "," && depth == 0 { parts.append(current); current = ""; continue }
            if character == "(" { depth += 1 } else if character == ")" { depth -= 1 }
            current.append(character)
        }
        return parts + [current]
    }
}
