import ArgumentParser
import KernelHeaders

/// Which kernel tree to read.
struct TreeOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The include/ directory of a kernel tree: a source tree, or either half of a Debian linux-headers pair. Default: the newest Debian linux-headers installed.",
        valueName: "dir"))
    var headers: String?

    @Option(help: ArgumentHelp(
        "The build directory (include/generated) of an out-of-tree build.",
        valueName: "dir"))
    var objtree: String?

    @Option(name: .customLong("kernel-tree"), help: ArgumentHelp(
        "A configured kernel source tree to regenerate in place: its rust/kernel/block module, rust/helpers/blk.c, and the lines the module needs in bindings_helper.h, helpers.c and lib.rs. Headers are read from its include/.",
        valueName: "dir"))
    var kernelTree: String?

    func validate() throws {
        if kernelTree != nil, headers != nil {
            throw ValidationError("--kernel-tree reads the headers of that tree; drop --headers")
        }
    }

    /// The tree the options name, checked. `sweepingIncludePath` as in
    /// `KernelTree.locate`.
    func locate(sweepingIncludePath: Bool = true) throws -> KernelTree {
        if let kernelTree {
            return try failing { () throws(HeaderError) in
                try KernelTree.locate(kernelTree: kernelTree, objtree: objtree, sweepingIncludePath: sweepingIncludePath)
            }
        }
        let headers: String
        if let given = self.headers {
            headers = given
        } else {
            guard let tree = KernelTree.newestDebianHeaders() else {
                throw ToolFailure(message: "no --headers given and no Debian linux-headers-* tree under /usr/src; install linux-headers-amd64 or pass --headers DIR")
            }
            note("using \(tree.objtree) (newest Debian header tree installed)")
            // The same tree, checked as a named one is.
            headers = "\(tree.objtree)/include"
        }
        return try failing { () throws(HeaderError) in
            try KernelTree.locate(headers: headers, objtree: objtree, sweepingIncludePath: sweepingIncludePath)
        }
    }

    private func failing(_ body: () throws(HeaderError) -> KernelTree) throws -> KernelTree {
        do { return try body() } catch { throw ToolFailure(message: error.description) }
    }
}
