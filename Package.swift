// swift-tools-version: 6.1
import PackageDescription

/// The one libclang mqgen parses with (Debian's libclang-<v>-dev); see
/// "Which libclang" in docs/eras.md for the measurements behind it.
/// `MQGEN_LLVM=N swift build` builds against another, for measuring.
let llvm = Context.environment["MQGEN_LLVM"] ?? "19"

/// Debian's libclang packages ship no pkg-config file, so the clang-c headers
/// are found through this include path; the library (libclang-<v>.so) is on
/// the default linker path.
let clangInclude: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I/usr/lib/llvm-\(llvm)/include"])]

/// The model's hot path is generic over the driver; letting the optimizer
/// see across modules specializes it for the driver at the call site. The
/// fields of a request are written by one owner at a time (the refcount
/// protocol), so the dynamic exclusivity checks on them are dropped.
let modelOptimization: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"])]

/// liburing's header defines _GNU_SOURCE itself; every module a target
/// importing CURing sees (Glibc included) must agree, or fd_set differs.
let gnuSource: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-D_GNU_SOURCE"])]

let package = Package(
    name: "mqgen",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mqgen", targets: ["mqgen"]),
        // The block server (ublk or VDUSE): no libclang, so it fits in a guest's initramfs.
        .executable(name: "mqgen-serve", targets: ["mqgen-serve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/stencilproject/Stencil", from: "0.15.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
    ],
    targets: [
        // libclang through a system-library target (module map + shim header).
        .systemLibrary(name: "CClang", path: "Sources/CClang"),
        // A thin, memory-safe wrapper over the clang-c API.
        .target(name: "Clang", dependencies: ["CClang"], swiftSettings: clangInclude,
                linkerSettings: [.linkedLibrary("clang-\(llvm)")]),
        // The intermediate representation: plain value types, no libclang.
        .target(name: "BlockIR"),
        // Kernel header trees -> IR, with libclang.
        .target(
            name: "KernelHeaders",
            dependencies: ["Clang", "BlockIR", .product(name: "Logging", package: "swift-log")],
            swiftSettings: clangInclude
        ),
        // libFuzzer's harness for the header reader (Scripts/fuzz); without
        // -DFUZZING, a replayer of inputs.
        .executableTarget(name: "mqgen-fuzz", dependencies: ["KernelHeaders"], swiftSettings: clangInclude),
        // A generated tree written all or nothing: the manifest of what mqgen
        // owns, the journal that undoes an interrupted run, the write plan.
        .target(name: "Writer"),
        // IR -> the template context -> rendered kernel files (Stencil), by
        // the file table of the tree's era.
        .target(
            name: "Gen",
            dependencies: ["BlockIR", "KernelHeaders", "Writer", .product(name: "Stencil", package: "Stencil")],
            swiftSettings: clangInclude
        ),
        // In-tree mode: the lines the generated module needs, inserted into a
        // kernel source tree's own files (lib.rs, helpers.c, bindings_helper.h).
        .target(name: "KernelTreeEditor", dependencies: ["Gen", "Writer"], swiftSettings: clangInclude),
        // Two trees' IR -> what changed under a driver (`mqgen diff`).
        .target(name: "Porting", dependencies: ["BlockIR", "KernelHeaders", "Gen"], swiftSettings: clangInclude),
        // The Swift userspace model of blk-mq: no libclang, no parser. Its ops
        // table and status codes are rendered by `mqgen --emit swift-model`.
        .target(name: "BlockModel", swiftSettings: modelOptimization),
        // The one error of a failed system call (operation + errno), and owned descriptors.
        .target(name: "SystemCall", dependencies: ["CLinuxFile", .product(name: "SystemPackage", package: "swift-system")],
                swiftSettings: gnuSource),
        // Drivers on the model: null (rnull), ram, file.
        .target(name: "BlockDrivers", dependencies: ["BlockModel", "CLinuxFile", "URing", "SystemCall"], swiftSettings: modelOptimization + gnuSource),
        // fallocate(2), which Glibc hides without _GNU_SOURCE.
        .systemLibrary(name: "CLinuxFile", path: "Sources/CLinuxFile"),
        // Requests per second through the null driver.
        .executableTarget(name: "blockmodel-bench", dependencies: ["BlockModel", "BlockDrivers"], swiftSettings: gnuSource),
        // liburing (Debian liburing-dev, liburing.pc) and the ublk uapi.
        .systemLibrary(name: "CURing", path: "Sources/CURing", pkgConfig: "liburing"),
        // One io_uring behind a typed Swift API: the ublk queues' and the file driver's.
        .target(name: "URing", dependencies: ["CURing", "SystemCall"], swiftSettings: gnuSource),
        // What every transport does with the model: the served tag set, batch
        // dispatch, ends handed over to the queue thread. No kernel interface.
        .target(name: "BlockTransport", dependencies: ["BlockModel", "CLinuxFile", "SystemCall", .product(name: "Atomics", package: "swift-atomics"), .product(name: "Logging", package: "swift-log")],
                swiftSettings: modelOptimization + gnuSource),
        // ublk over io_uring, serving a BlockModel driver as /dev/ublkbN.
        .target(name: "Ublk", dependencies: ["BlockModel", "BlockTransport", "CURing", "URing", "SystemCall", .product(name: "Logging", package: "swift-log")],
                swiftSettings: gnuSource + [.unsafeFlags(["-cross-module-optimization"])]),
        // The VDUSE and virtio uapi (Debian 12's headers have them) and the
        // ioctl numbers Swift cannot expand.
        .systemLibrary(name: "CVduse", path: "Sources/CVduse"),
        // VDUSE: a BlockModel driver as a virtio-blk device on the vDPA bus.
        .target(name: "Vduse", dependencies: ["BlockModel", "BlockTransport", "CVduse", "SystemCall", .product(name: "Logging", package: "swift-log")],
                swiftSettings: gnuSource + [.unsafeFlags(["-cross-module-optimization"])]),
        // `mqgen-serve list`: the servers' records under /run/mqgen, and the
        // state of each device decided from the kernel's view (no kernel access).
        .target(name: "DeviceList", dependencies: ["SystemCall"]),
        .executableTarget(
            name: "mqgen-serve",
            dependencies: ["Ublk", "Vduse", "BlockModel", "BlockDrivers", "SystemCall", "DeviceList",
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: gnuSource
        ),
        .executableTarget(
            name: "mqgen",
            dependencies: [
                "KernelHeaders", "Gen", "KernelTreeEditor", "Writer", "BlockIR", "Porting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: clangInclude
        ),
        // What every test target shares: one way to run a child process,
        // the built products' paths.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "BlockModelTests",
            dependencies: ["BlockModel", "BlockDrivers", "URing", "BlockTransport", "SystemCall", "TestSupport",
                           .product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/BlockModelTests",
            swiftSettings: gnuSource
        ),
        .testTarget(
            name: "UblkTests",
            dependencies: ["Ublk", "CURing", "BlockModel", "BlockTransport", "SystemCall", "mqgen-serve", "TestSupport"],
            path: "Tests/UblkTests",
            swiftSettings: gnuSource
        ),
        .testTarget(
            name: "VduseTests",
            dependencies: ["Vduse", "CVduse", "BlockModel", "BlockDrivers", "SystemCall", "mqgen-serve", "TestSupport",
                           .product(name: "SystemPackage", package: "swift-system")],
            path: "Tests/VduseTests",
            swiftSettings: gnuSource
        ),
        .testTarget(
            name: "DeviceListTests",
            dependencies: ["DeviceList"],
            path: "Tests/DeviceListTests"
        ),
        .testTarget(
            name: "MQGenTests",
            dependencies: ["KernelHeaders", "Gen", "KernelTreeEditor", "Writer", "BlockIR", "Clang", "Porting", "mqgen", "TestSupport"],
            path: "Tests/MQGenTests",
            swiftSettings: clangInclude
        ),
    ]
)
