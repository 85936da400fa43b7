import Foundation

/// An architecture kernel Rust supports, as the kernel's build names it.
///
/// The table is the kernel's own: `SRCARCH` (the directory under `arch/`)
/// from the top `Makefile`, and the clang target from
/// `scripts/Makefile.clang` (`CLANG_TARGET_FLAGS_<arch>`). The Kconfig
/// symbol is how a configured tree says which one it was built for.
public struct KernelArch: Equatable, Sendable, CustomStringConvertible {
    /// The directory under `arch/`: `x86`, `arm64`, `riscv`, `loongarch`.
    public let srcarch: String
    /// The `--target` the kernel gives clang (and bindgen) for it.
    public let clangTarget: String
    /// The `CONFIG_` symbol `include/generated/autoconf.h` defines for it.
    public let kconfigSymbol: String

    public var description: String { srcarch }

    public static let x86_64 = KernelArch(srcarch: "x86", clangTarget: "x86_64-linux-gnu", kconfigSymbol: "CONFIG_X86_64")
    public static let arm64 = KernelArch(srcarch: "arm64", clangTarget: "aarch64-linux-gnu", kconfigSymbol: "CONFIG_ARM64")
    public static let riscv64 = KernelArch(srcarch: "riscv", clangTarget: "riscv64-linux-gnu", kconfigSymbol: "CONFIG_RISCV")
    public static let loongarch64 = KernelArch(srcarch: "loongarch", clangTarget: "loongarch64-linux-gnusf", kconfigSymbol: "CONFIG_LOONGARCH")

    /// Every architecture whose kernel can be built with Rust
    /// (`Documentation/rust/arch-support.rst`, 64-bit only).
    public static let all: [KernelArch] = [.x86_64, .arm64, .riscv64, .loongarch64]

    /// The architecture `autoconf.h` was configured for, or nil when it
    /// names none of those kernel Rust supports (32-bit ARM, s390, ...).
    static func configured(autoconf: KernelConfig) -> KernelArch? {
        all.first { autoconf.isEnabled($0.kconfigSymbol) && autoconf.isEnabled("CONFIG_64BIT") }
    }
}

/// The `#define CONFIG_*` lines of a tree's `include/generated/autoconf.h`:
/// what its Kconfig decided, as the C preprocessor sees it.
public struct KernelConfig: Equatable, Sendable {
    /// Symbol -> the text after the name (`1`, `"-fms-extensions"`).
    let values: [String: String]

    /// Kconfig writes one `#define CONFIG_<NAME> <value>` a line.
    init(autoconfText text: String) {
        var text = text
        values = text.withUTF8(Self.defines)
    }

    private static func defines(in bytes: UnsafeBufferPointer<UInt8>) -> [String: String] {
        let prefix = "#define CONFIG_".utf8
        let lines = TextLines.ranges(bytes)
        var values: [String: String] = [:]
        values.reserveCapacity(lines.count)
        for range in lines where bytes[range].starts(with: prefix) {
            let rest = bytes[range].dropFirst("#define ".utf8.count)
            let name = rest.prefix { !isBlank($0) && $0 != UInt8(ascii: "\r") }
            values[String(decoding: name, as: UTF8.self)] = value(rest[name.endIndex...])
        }
        return values
    }

    /// The text after a name, trimmed as `trimmingCharacters(in: .whitespaces)`
    /// trims: by bytes while they are ASCII (`1`, `"string"`, as Kconfig
    /// writes them), by Unicode scalar otherwise.
    private static func value(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        guard start == end || (bytes[start] < 0x80 && bytes[end - 1] < 0x80) else {
            return String(decoding: bytes, as: UTF8.self)[...].trimmingWhitespace
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    init(objtree: String) {
        self.init(autoconfText: TreeFile.text("\(objtree)/\(KernelTree.File.autoconf)") ?? "")
    }

    /// Every symbol `autoconf.h` defines, whatever its value.
    var symbols: Set<String> { Set(values.keys) }

    /// `CONFIG_X=y` (or `=m`, whose define is `CONFIG_X_MODULE`).
    func isEnabled(_ symbol: String) -> Bool { values[symbol] == "1" }

    /// The value of a string option, unquoted: `CONFIG_CC_MS_EXTENSIONS`
    /// holds the compiler flags themselves.
    func string(_ symbol: String) -> String? {
        guard let value = values[symbol], value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return nil }
        return String(value.dropFirst().dropLast())
    }
}
