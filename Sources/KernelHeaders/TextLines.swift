import Foundation

/// Lines of a tree's text files (`autoconf.h`, the top `Makefile`), found
/// by a pass over the UTF-8 bytes.
///
/// `String.split(separator: "\n")` walks grapheme breaks: on the 6.12
/// tree's 250 KB `autoconf.h` that, with Foundation's trimming, cost 380 M
/// instructions a read (read five times a run); the byte scan costs 1 M.
enum TextLines {
    /// The ranges of the non-empty lines of `bytes`, cut exactly where
    /// `split(separator: "\n")` cuts a `String`: a `\r\n` is one
    /// `Character`, so it ends no line there, and none here.
    static func ranges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            guard index == 0 || bytes[index - 1] != UInt8(ascii: "\r") else { continue }
            if start != index { ranges.append(start..<index) }
            start = index + 1
        }
        if start != bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }
}

extension String {
    /// The non-empty lines, as `split(separator: "\n")` gives them.
    var lines: [Substring] {
        var text = self
        let ranges = text.withUTF8(TextLines.ranges)
        let base = utf8.startIndex
        return ranges.map { range in
            self[utf8.index(base, offsetBy: range.lowerBound)..<utf8.index(base, offsetBy: range.upperBound)]
        }
    }
}

extension Substring {
    /// `trimmingCharacters(in: .whitespaces)`, by Unicode scalar as
    /// Foundation trims; Foundation's costs 8 K instructions a call.
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isBlank }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isBlank })!
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    /// Whether `CharacterSet.whitespaces` holds it: a tab or a space separator.
    var isBlank: Bool {
        value < 0x80 ? self == " " || self == "\t" : properties.generalCategory == .spaceSeparator
    }
}
