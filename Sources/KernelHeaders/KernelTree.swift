import BlockIR
import Foundation

/// A kernel header tree: where the sources are (`srctree`) and where the
/// configured build lives (`objtree`: `.config`, `include/generated`).
///
/// Three layouts are accepted: a tree built in place (objtree = srctree), an
/// out-of-tree build (`--objtree`), and Debian's split packages, where
/// `linux-headers-<v>-common` holds the sources and `linux-headers-<v>-amd64`
/// the objtree, whose `Makefile` is one line: `include <srctree>/Makefile`.
public struct KernelTree: Equatable, Sendable {
    public let srctree: String
    public let objtree: String
    /// The architecture the objtree was configured for (x86_64 when its
    /// `autoconf.h` cannot be read; `locate` refuses an unsupported one).
    public let arch: KernelArch
    /// `autoconf.h` and the dialect of the top `Makefile`, read once: the
    /// checks, the clang arguments and `-v` all ask for them.
    let config: KernelConfig
    let dialect: Dialect

    public init(srctree: String, objtree: String) {
        self.srctree = srctree
        self.objtree = objtree
        config = KernelConfig(objtree: objtree)
        arch = KernelArch.configured(autoconf: config) ?? .x86_64
        dialect = Dialect(srctree: srctree, config: config)
    }

    /// The kernel's name for the architecture directory under `arch/`.
    public var srcarch: String { arch.srcarch }
    public var clangTarget: String { arch.clangTarget }

    /// Resolves `--headers` (a tree's `include` directory) and an optional
    /// `--objtree` into a tree, checking that everything a parse needs is there.
    /// With `sweepingIncludePath` false, the walk of the include path
    /// (`includePathProblem()`, the slowest check: thousands of directories)
    /// is left to the caller, who can run it beside the parse.
    public static func locate(headers: String, objtree: String? = nil, sweepingIncludePath: Bool = true) throws(HeaderError) -> KernelTree {
        let include = Self.normalized(headers)
        guard isDirectory(include) else { throw missing(headers) }
        let root = (include as NSString).deletingLastPathComponent
        try checkHeaderFiles(in: root)
        var explicitObjtree: String?
        if let objtree { explicitObjtree = try existingDirectory(objtree) }
        let tree: KernelTree
        if isSource(root) {
            let build = explicitObjtree ?? Self.objtree(forSource: root)
            tree = KernelTree(srctree: root, objtree: build)
        } else if let source = debianSource(ofObjtree: root) {
            tree = KernelTree(srctree: source, objtree: explicitObjtree ?? root)
        } else {
            throw .notKernelInclude(headers)
        }
        try tree.checkSourceFiles()
        if sweepingIncludePath, let problem = tree.includePathProblem() { throw problem }
        try tree.checkGenerated()
        try tree.checkArchitecture()
        try tree.checkVersions()
        return tree
    }

    /// The newest Debian `linux-headers-*` objtree installed under `/usr/src`.
    public static func newestDebianHeaders(in directory: String = "/usr/src") -> KernelTree? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names
            .filter { $0.hasPrefix("linux-headers-") }
            .compactMap { name -> (KernelVersion, KernelTree)? in
                let root = "\(directory)/\(name)"
                guard let source = debianSource(ofObjtree: root),
                      let version = releaseVersion(of: name) else { return nil }
                return (version, KernelTree(srctree: source, objtree: root))
            }
            .max { $0.0 < $1.0 }?.1
    }

    /// `path` relative to the source tree (`include/linux/blk-mq.h`), as the
    /// IR names headers; a path outside the tree is returned whole.
    public func relativePath(_ path: String) -> String {
        path.hasPrefix(srctree + "/") ? String(path.dropFirst(srctree.count + 1)) : path
    }

    /// Files of the objtree without which the headers cannot be parsed.
    var generatedFiles: [String] {
        [
            KernelTree.File.autoconf,
            KernelTree.File.versionHeader,
            "arch/\(srcarch)/include/generated/asm",
            "arch/\(srcarch)/include/generated/uapi/asm",
        ]
    }

    func checkGenerated() throws(HeaderError) {
        for file in generatedFiles where !FileManager.default.fileExists(atPath: "\(objtree)/\(file)") {
            throw .missingGenerated(objtree: objtree, file: file)
        }
    }

    /// The files mqgen reads itself (the top Makefiles, the generated
    /// headers) and those forced with `-include` are regular files: checked
    /// here, before they are read, even when the walk of the include path
    /// is left to the caller.
    func checkSourceFiles() throws(HeaderError) {
        let read = ["\(srctree)/\(File.makefile)", "\(objtree)/\(File.makefile)", "\(objtree)/\(File.autoconf)", versionHeader]
        for file in Set(read + IncludeSweep.forcedIncludes(of: clangArguments)).sorted() {
            if let problem = TreeFile.problem(file) { throw .unreadablePath(path: file, problem: problem) }
        }
    }

    /// The first entry of the include path libclang must not open (a FIFO,
    /// a device, a link to one: `IncludeSweep`), or nil when every one is a
    /// regular file or directory.
    public func includePathProblem() -> HeaderError? {
        guard let (path, problem) = IncludeSweep.firstProblem(under: IncludeSweep.roots(of: clangArguments)) else { return nil }
        return .unreadablePath(path: path, problem: problem)
    }

    /// A tree configured for an architecture kernel Rust does not support
    /// would otherwise be parsed as x86.
    func checkArchitecture() throws(HeaderError) {
        if KernelArch.configured(autoconf: config) == nil {
            throw .unsupportedArchitecture(objtree: objtree, supported: KernelArch.all.map(\.kconfigSymbol))
        }
    }

    // MARK: Discovery

    static let sourceHeaders = APISurface.parsedHeaders

    private static func isSource(_ root: String) -> Bool {
        sourceHeaders.allSatisfy { header in
            var directory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(root)/\(header)", isDirectory: &directory) && !directory.boolValue
        }
    }

    /// A header that is there by name but cannot be read (a directory, a
    /// broken link) is named, rather than the tree called "not a kernel
    /// include directory" or the parse failing on a file it cannot open.
    private static func checkHeaderFiles(in root: String) throws(HeaderError) {
        if let problem = PathCheck.linkProblem("\(root)/include/linux") {
            throw .unreadablePath(path: "\(root)/include/linux", problem: problem)
        }
        for header in sourceHeaders {
            if let problem = PathCheck.headerProblem("\(root)/\(header)") {
                throw .unreadablePath(path: "\(root)/\(header)", problem: problem)
            }
        }
    }

    /// `path` is no directory: a broken link says why, a file (or FIFO,
    /// device) says what it is, else it is missing.
    static func missing(_ path: String) -> HeaderError {
        let unslashed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        if let problem = PathCheck.linkProblem(unslashed) { return .unreadablePath(path: path, problem: problem) }
        if FileManager.default.fileExists(atPath: unslashed) { return .unreadablePath(path: path, problem: "not a directory") }
        return .missingDirectory(path)
    }

    /// `--kernel-tree DIR`: the tree whose `include/` the headers are read
    /// from, named itself when it is not a directory.
    public static func locate(kernelTree: String, objtree: String? = nil, sweepingIncludePath: Bool = true) throws(HeaderError) -> KernelTree {
        guard isDirectory(kernelTree) else { throw missing(kernelTree) }
        return try locate(headers: "\(kernelTree)/include", objtree: objtree, sweepingIncludePath: sweepingIncludePath)
    }

    /// For a source tree: a Debian sibling objtree whose Makefile includes
    /// this tree's Makefile, else the tree itself (built in place), whose
    /// generated headers are then checked.
    private static func objtree(forSource root: String) -> String {
        if FileManager.default.fileExists(atPath: "\(root)/\(File.autoconf)") {
            return root
        }
        let parent = (root as NSString).deletingLastPathComponent
        let siblings = ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).sorted()
        let matches = siblings.map { "\(parent)/\($0)" }.filter { debianSource(ofObjtree: $0) == root }
        // Debian ships several flavours (amd64, cloud-amd64, rt-amd64,
        // arm64-16k); the plain one of an architecture is the reference.
        let plain = ["-amd64", "-arm64", "-riscv64", "-loong64"]
        let flavoured = ["-cloud-", "-rt-", "-16k"]
        return matches.first { path in plain.contains { path.hasSuffix($0) } && !flavoured.contains { path.contains($0) } }
            ?? matches.first ?? root
    }

    /// The srctree named by a Debian objtree's one-line Makefile. The path
    /// there is absolute (`/usr/src/linux-headers-<v>-common`); a pair
    /// unpacked elsewhere (`dpkg -x` into a scratch root) has the sources
    /// beside the objtree under the same name.
    static func debianSource(ofObjtree root: String) -> String? {
        guard let makefile = TreeFile.text("\(root)/\(File.makefile)") else { return nil }
        for line in makefile.lines where line.hasPrefix("include ") && line.hasSuffix("/Makefile") {
            let named = (String(line.dropFirst("include ".count)) as NSString).deletingLastPathComponent
            let sibling = ((root as NSString).deletingLastPathComponent as NSString).appendingPathComponent((named as NSString).lastPathComponent)
            for source in [named, sibling] where source != root && isSource(source) { return source }
        }
        return nil
    }

    /// `6.12.117` from `linux-headers-6.12.117+deb12-amd64`.
    static func releaseVersion(of packageDirectory: String) -> KernelVersion? {
        let release = packageDirectory.dropFirst("linux-headers-".count)
        let numbers = release.prefix { $0.isNumber || $0 == "." }.split(separator: ".").compactMap { Int($0) }
        guard numbers.count >= 2 else { return nil }
        return KernelVersion(major: numbers[0], minor: numbers[1], sublevel: numbers.count > 2 ? numbers[2] : 0)
    }

    private static func existingDirectory(_ path: String) throws(HeaderError) -> String {
        guard isDirectory(path) else { throw missing(path) }
        return normalized(path)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    private static func normalized(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

extension KernelTree {
    /// The files of a tree that mqgen reads itself, each relative to the
    /// directory that holds it (the objtree for generated files, the
    /// srctree and objtree for `Makefile`). Spelled here once: the checks,
    /// the readers and the error messages all name them from here.
    public enum File {
        /// The Kconfig symbols of the configured build.
        public static let autoconf = "include/generated/autoconf.h"
        /// `LINUX_VERSION_*` of the configured build.
        public static let versionHeader = "include/generated/uapi/linux/version.h"
        /// The top Makefile: the sources' version and C dialect, or, in a
        /// Debian objtree, the one line that names the sources.
        public static let makefile = "Makefile"
    }

    /// The objtree's generated version header, absolute.
    public var versionHeader: String { "\(objtree)/\(File.versionHeader)" }
}
