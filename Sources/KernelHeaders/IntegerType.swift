import Clang

/// The width and signedness of a C integer type, for evaluating a cast the
/// way C does: `(u8)300` is 44.
struct IntegerType: Equatable {
    var bits: Int
    var isSigned: Bool

    /// The value converted to this type: truncated to `bits`, and for a
    /// signed type wrapped into its range (as gcc and clang define it).
    func convert(_ value: Int64) -> Int64 {
        guard bits < 64 else { return value }
        let truncated = value & ((1 << bits) - 1)
        return isSigned && truncated & (1 << (bits - 1)) != 0 ? truncated - (1 << bits) : truncated
    }

    /// A typedef's integer type, from libclang; nil when it names no integer.
    init?(typedef cursor: Cursor) {
        let type = cursor.type
        guard let isSigned = type.isSignedInteger, type.sizeInBytes > 0 else { return nil }
        self.init(bits: Int(type.sizeInBytes) * 8, isSigned: isSigned)
    }

    init(bits: Int, isSigned: Bool) {
        self.bits = bits
        self.isSigned = isSigned
    }

    /// A type spelled with C's keywords (`unsigned long`), for the kernel's
    /// x86_64 target: LP64, and plain `char` unsigned (`-funsigned-char`).
    init?(keywords: [String]) {
        let allowed: Set = ["unsigned", "signed", "char", "short", "int", "long"]
        guard !keywords.isEmpty, keywords.allSatisfy(allowed.contains) else { return nil }
        let isChar = keywords.contains("char")
        bits = isChar ? 8 : keywords.contains("short") ? 16 : keywords.contains("long") ? 64 : 32
        isSigned = isChar ? keywords.contains("signed") : !keywords.contains("unsigned")
    }
}
