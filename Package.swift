// swift-tools-version: 6.1
import PackageDescription

/// Debian's libclang-dev ships no pkg-config file, so the clang-c headers are
/// found through this include path; the library itself (libclang-14.so) is on
/// the default linker path.
let clangInclude: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I/usr/lib/llvm-14/include"])]

let package = Package(
    name: "mqgen",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mqgen", targets: ["mqgen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/stencilproject/Stencil", from: "0.15.1"),
    ],
    targets: [
        // libclang through a system-library target (module map + shim header).
        .systemLibrary(name: "CClang", path: "Sources/CClang"),
        // A thin, memory-safe wrapper over the clang-c API.
        .target(name: "Clang", dependencies: ["CClang"], swiftSettings: clangInclude),
        // The intermediate representation: plain value types, no libclang.
        .target(name: "BlockIR"),
        // Kernel header trees -> IR, with libclang.
        .target(
            name: "KernelHeaders",
            dependencies: ["Clang", "BlockIR", .product(name: "Logging", package: "swift-log")],
            swiftSettings: clangInclude
        ),
        // IR -> rendered kernel files (Stencil), the file table, the atomic writer.
        .target(
            name: "MQGen",
            dependencies: ["BlockIR", .product(name: "Stencil", package: "Stencil")],
            path: "Sources/Gen"
        ),
        .executableTarget(
            name: "mqgen",
            dependencies: [
                "KernelHeaders", "MQGen", "BlockIR",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: clangInclude
        ),
        .testTarget(
            name: "MQGenTests",
            dependencies: ["KernelHeaders", "MQGen", "BlockIR", "Clang", "mqgen"],
            path: "Tests/MQGenTests",
            swiftSettings: clangInclude
        ),
    ]
)
