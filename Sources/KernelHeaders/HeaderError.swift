import BlockIR
/// Why a kernel tree could not be scanned. Each case reads as one complete
/// `mqgen: error:` line naming the file, directory or option at fault.
public enum HeaderError: Error, Equatable, CustomStringConvertible {
    case missingDirectory(String)
    case notKernelInclude(String)
    case missingGenerated(objtree: String, file: String)
    case malformedGenerated(path: String, reason: String)
    case clangFailure(String)
    case compileError(String)
    case recordMissing(name: String, header: String)
    case enumMissing(name: String, header: String)
    case fieldMissing(record: String, field: String, header: String)
    case functionMissing(name: String)
    case unsupportedCondition(location: String, directive: String)
    case unreadablePath(path: String, problem: String)
    case unrecoverableBranch(location: String, directive: String, overrides: String)
    case unevaluableConstant(location: String, name: String, body: String)
    case unsupportedElif(location: String, directive: String)
    case anonymousMember(location: String, record: String, kind: String)
    case bitfieldMember(location: String, record: String, field: String)
    case conditionalInsideMember(location: String, record: String, field: String, directive: String, directiveLocation: String)
    case versionMismatch(objtree: String, objtreeVersion: String, srctree: String, srctreeVersion: String)
    case unsupportedArchitecture(objtree: String, supported: [String])
    case typeTooDeep(location: String, name: String, limit: Int)

    public var description: String {
        switch self {
        case .missingDirectory(let path):
            "\(path): no such directory"
        case .notKernelInclude(let path):
            "\(path): not a kernel include directory (expected \(APISurface.includeNames(APISurface.parsedHeaders).joined(separator: " and ")) under it, or a Debian linux-headers objtree)"
        case .missingGenerated(let objtree, let file):
            "\(objtree)/\(file): missing; the objtree is not configured and prepared. Run 'make olddefconfig && make prepare' there, or pass --objtree DIR of a configured build"
        case .malformedGenerated(let path, let reason):
            "\(path): \(reason); the objtree's generated headers are damaged. Run 'make prepare' there again"
        case .clangFailure(let reason):
            "libclang: \(reason)"
        case .compileError(let diagnostic):
            Self.quoted(diagnostic)
        case .recordMissing(let name, let header):
            "\(header): struct \(name) is not defined there"
        case .enumMissing(let name, let header):
            "\(header): enum \(name) is not defined there"
        case .fieldMissing(let record, let field, let header):
            "\(header): struct \(record) has no member '\(field)'"
        case .functionMissing(let name):
            "the headers declare no function '\(name)', which the generated code calls"
        case .unsupportedCondition(let location, let directive):
            "\(location): cannot express '\(Self.quoted(directive))' as a Rust cfg (only Kconfig symbols with defined/IS_ENABLED/!/&&/|| are supported)"
        case .unsupportedElif(let location, let directive):
            "\(location): '\(Self.quoted(directive))' in a struct body; mqgen reads members under #if, #ifdef or #ifndef with at most one #else, not #elif chains"
        case .anonymousMember(let location, let record, let kind):
            "\(location): struct \(record) has an anonymous \(kind), whose members bindgen puts in a field __bindgen_anon_N; mqgen cannot initialise them in the ops table"
        case .bitfieldMember(let location, let record, let field):
            "\(location): struct \(record) member '\(field)' is a bitfield, which bindgen packs into _bitfield_1; mqgen cannot initialise it in the ops table"
        case .conditionalInsideMember(let location, let record, let field, let directive, let directiveLocation):
            "\(location): struct \(record) member '\(field)' has '\(Self.quoted(directive))' inside its declaration (\(directiveLocation)), so its type differs by configuration; mqgen reads only members that are whole inside or outside an #if block"
        case .unevaluableConstant(let location, let name, let body):
            "\(location): cannot evaluate \(name) ('\(Self.quoted(body))') as an integer constant; the Swift model's BlkStatus needs every BLK_STS_* value"
        case .unrecoverableBranch(let location, let directive, let overrides):
            "\(location): the members under '\(Self.quoted(directive))' stay hidden even when parsed with '\(Self.quoted(overrides))'; mqgen cannot read them"
        case .unreadablePath(let path, let problem):
            "\(path): \(problem)"
        case .unsupportedArchitecture(let objtree, let supported):
            "\(objtree)/\(KernelTree.File.autoconf): configured for an architecture kernel Rust does not support (none of \(supported.joined(separator: ", ")) with CONFIG_64BIT)"
        case .typeTooDeep(let location, let name, let limit):
            "\(location): the type of '\(name)' nests pointers, arrays or functions more than \(limit) deep; no kernel type does, and mqgen reads none that does"
        case .versionMismatch(let objtree, let objtreeVersion, let srctree, let srctreeVersion):
            "objtree \(objtree) is for \(objtreeVersion) (\(KernelTree.File.versionHeader)) but sources \(srctree) are \(srctreeVersion) (\(KernelTree.File.makefile)); pass the --objtree of a build of these sources"
        }
    }

    /// Header text quoted in a message, cut to a line a person reads: a
    /// macro or directive can be megabytes long.
    static func quoted(_ text: String, limit: Int = 200) -> String {
        guard text.utf8.count > limit else { return text }
        let kept = String(decoding: text.utf8.prefix(limit), as: UTF8.self)
        return "\(kept)... (\(text.utf8.count) bytes)"
    }
}
