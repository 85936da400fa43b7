import Foundation

/// What mqgen prints for machines and people on stdout (`--dump-ir`,
/// `--print-clang-args`, `--check`'s diff), written with `write(2)` and
/// checked: `print` buffers and drops the error, so a full disk or device
/// (`> /dev/full`) would give a truncated IR and exit 0.
enum StandardOutput {
    static func write(_ text: String) throws(ToolFailure) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ToolFailure(message: "stdout: write failed: \(String(cString: strerror(errno))) (errno \(errno))")
            }
            bytes = bytes.dropFirst(count)
        }
    }
}

/// Arguments as the kernel passed them: Swift decodes them as UTF-8 and
/// replaces what is not with U+FFFD, so a path with such a byte would name
/// another file (and `--output` write a directory nobody named). mqgen
/// takes UTF-8 arguments only and refuses any other, naming it.
enum RawArguments {
    static func firstNotUTF8() -> String? {
        for index in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[index], String(validatingCString: raw) == nil else { continue }
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
            let previous = index > 1 ? CommandLine.arguments[index - 1] : ""
            let option = previous.hasPrefix("-") ? "\(previous): " : ""
            return "\(option)'\(escaped(bytes))' is not valid UTF-8; mqgen takes UTF-8 arguments only (rename the path, or reach it through a link with a UTF-8 name)"
        }
        return nil
    }

    /// Printable ASCII as it is, every other byte as `\xNN`.
    static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { (0x20..<0x7f).contains($0) && $0 != UInt8(ascii: "\\") ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined()
    }
}
