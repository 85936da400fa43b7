import CClang

extension String {
    /// Takes ownership of a `CXString`: copies its text and disposes it.
    init(consuming string: CXString) {
        defer { clang_disposeString(string) }
        if let text = clang_getCString(string) {
            self = String(cString: text)
        } else {
            self = ""
        }
    }
}
