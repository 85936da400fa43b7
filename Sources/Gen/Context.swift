import BlockIR
import KernelHeaders
import Writer

/// Everything the templates read, derived from one `BlockLayerAPI`.
struct TemplateContext {
    /// The fixed line under the SPDX line: no version, no timestamp.
    var notice: String
    var kernel: String
    var ffi: String
    var mqOps: VTable
    var diskOps: VTable
    /// The signatures of the implemented callbacks, by C member name.
    var callbacks: [String: RustCallback]
    var disk: DiskAPI
    /// The request's operations and flags, and the timeout handler's results.
    var request: RequestAPI
    /// Whether the tree has `BLK_MQ_F_SHOULD_MERGE` (gone in 6.14): the tag
    /// set's flags are that or none.
    var hasShouldMergeFlag: Bool
    var helpers: [HelperShim]
    /// `__rust_helper` before each shim, where the tree's helpers have it.
    var helperAnnotation: Bool
    var helpersExported: Bool
    /// The lines of the bindings_helper.h fragment.
    var bindings: BindingsLines
    var status: [StatusCode]

    /// How this kernel allocates and sizes a disk: from 6.11 on the limits
    /// go to `__blk_mq_alloc_disk` and rotational media is a feature flag;
    /// before, they are set on the queue after allocation.
    ///
    /// The cache and FUA follow the same split: `BLK_FEAT_WRITE_CACHE` and
    /// `BLK_FEAT_FUA` in the limits' features, or `blk_queue_write_cache`
    /// on the queue.
    struct DiskAPI {
        var allocTakesLimits: Bool
        var rotationalFeature: String?
        var nonRotationalFlag: String?
        var writeCacheFeature: String?
        var fuaFeature: String?

        /// The `BLK_FEAT_*` flags the disk builder sets, which bindgen
        /// cannot read (they are casts).
        var features: [String] {
            [rotationalFeature, writeCacheFeature, fuaFeature].compactMap(\.self)
        }
    }

    /// A `rust_helper_<name>` shim: Rust cannot call a `static inline`.
    /// `Templates/c/blk.c.stencil` writes the definition, which passes the
    /// parameters on in order and returns the result, if any.
    struct HelperShim {
        struct Parameter {
            /// The parameter declared in C: `struct request *rq`.
            var declaration: String
            var name: String
        }

        /// The `static inline` function the shim calls.
        var name: String
        /// The C result type as it precedes a declarator: `void `,
        /// `struct request *`.
        var resultPrefix: String
        var returnsValue: Bool
        var parameters: [Parameter]
    }

    struct StatusCode {
        var name: String
        var swiftName: String
        var value: Int64
    }
}

extension TemplateContext {
    /// The fixed line every generated file carries.
    static let noticeLine = GeneratedNotice.line(sources: APISurface.parsedHeaders)

    init(api: BlockLayerAPI, features: KernelFeatures) throws(GenError) {
        let types = RustTypes(features: features)
        let specs = CallbackSpec.mqOps(features: features)
        notice = Self.noticeLine
        kernel = api.kernel.series
        ffi = types.ffi
        mqOps = try VTable(record: api.mqOps, callbacks: specs)
        diskOps = try VTable(record: api.diskOps, callbacks: [])
        callbacks = [:]
        for spec in specs {
            guard let field = api.mqOps.field(spec.field) else {
                throw .callbackMissing(record: api.mqOps.name, field: spec.field, header: api.mqOps.header)
            }
            let signature = try spec.signature(for: field, in: api.mqOps, types: types)
            try spec.checkVariants(of: field, in: api.mqOps, types: types)
            callbacks[spec.field] = signature
        }
        disk = DiskAPI(api: api)
        try Self.checkQueueSetters(of: api, disk: disk)
        request = try RequestAPI(api: api)
        hasShouldMergeFlag = api.constants.contains { $0.name == "BLK_MQ_F_SHOULD_MERGE" }
        helperAnnotation = features.has(.rustHelperAnnotation)
        helpers = try api.functions.filter(\.isStaticInline).map(HelperShim.init)
        helpersExported = !features.has(.helpersDirectory)
        bindings = BindingsLines(api: api, disk: disk)
        status = Self.statusCodes(of: api)
    }

    /// Before the limits go to the allocation, the disk template sets them
    /// through these queue functions: a tree without one would get Rust
    /// that does not build, so it is refused here, by name.
    static func checkQueueSetters(of api: BlockLayerAPI, disk: DiskAPI) throws(GenError) {
        guard !disk.allocTakesLimits else { return }
        let setters = ["blk_queue_logical_block_size", "blk_queue_physical_block_size",
                       "blk_queue_max_discard_sectors", "blk_queue_max_write_zeroes_sectors"]
        if let missing = setters.first(where: { api.function($0) == nil }) {
            throw .render(template: "rust/gen_disk.rs.stencil", reason: "\(APISurface.blkdevHeader): __blk_mq_alloc_disk takes no queue_limits, and the headers declare no \(missing) to set the limit on the queue instead")
        }
    }

    /// The `BLK_STS_*` values of this kernel.
    static func statusCodes(of api: BlockLayerAPI) -> [StatusCode] {
        api.constants(prefix: "BLK_STS_").map { StatusCode(name: $0.name, swiftName: swiftCase($0.name), value: $0.value) }
    }

    /// `BLK_STS_DEV_RESOURCE` -> `devResource`.
    static func swiftCase(_ constant: String) -> String {
        ModelContext.camelCase(constant.dropFirst("BLK_STS_".count).lowercased())
    }
}

extension TemplateContext.DiskAPI {
    init(api: BlockLayerAPI) {
        let alloc = api.function("__blk_mq_alloc_disk")
        allocTakesLimits = alloc?.type.parameters.contains { $0.type == .pointer(to: .record(name: "queue_limits"), const: false) } ?? false
        let hasFeatures = api.queueLimits.field("features") != nil
        let feature = { (name: String) in hasFeatures && api.constants.contains { $0.name == name } ? name : nil }
        rotationalFeature = feature("BLK_FEAT_ROTATIONAL")
        writeCacheFeature = feature("BLK_FEAT_WRITE_CACHE")
        fuaFeature = feature("BLK_FEAT_FUA")
        nonRotationalFlag = api.constants.contains { $0.name == "QUEUE_FLAG_NONROT" } ? "QUEUE_FLAG_NONROT" : nil
    }
}

extension TemplateContext.HelperShim {
    init(_ function: Function) throws(GenError) {
        name = function.name
        if case .pointer(.function, _) = function.type.result {
            throw .render(template: "c/blk.c.stencil", reason: "'\(function.name)' returns a function pointer, which a shim's declaration cannot spell as a prefix")
        }
        resultPrefix = function.type.result.cDeclaration(name: "")
        returnsValue = function.type.result != .void
        // An unnamed parameter gets a name, so the call can pass it on.
        parameters = function.type.parameters.enumerated().map { index, parameter in
            let name = parameter.name ?? "arg\(index)"
            return Parameter(declaration: parameter.type.cDeclaration(name: name), name: name)
        }
    }
}

/// The lines the generated module needs in the kernel's
/// `rust/bindings/bindings_helper.h`, as data: the fragment template writes
/// them, and in-tree mode inserts them into the tree's own file.
public struct BindingsLines: Sendable, Equatable {
    /// Headers bindgen must see, as `#include <...>` names them, in the
    /// file's alphabetical order.
    public var includes: [String]
    /// Macros bindgen cannot evaluate (casts), as `RUST_CONST_HELPER_` constants.
    public var constHelpers: [ConstHelper]

    /// A `RUST_CONST_HELPER_<name>` of C type `type`.
    public struct ConstHelper: Sendable, Equatable {
        public var type: String
        public var name: String
    }

    /// The lines `api` needs.
    public init(api: BlockLayerAPI) {
        self.init(api: api, disk: TemplateContext.DiskAPI(api: api))
    }

    init(api: BlockLayerAPI, disk: TemplateContext.DiskAPI) {
        includes = APISurface.includeNames(APISurface.constantHeaders).sorted()
        constHelpers = api.queueLimits.field("features").map { field in
            disk.features.map { ConstHelper(type: field.type.cSpelling, name: $0) }
        } ?? []
    }
}
