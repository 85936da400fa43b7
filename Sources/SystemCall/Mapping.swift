#if canImport(Glibc)
import Glibc
#endif

/// mmap(2), checked: the mapping, or the error with its errno.
public func mapMemory(_ operation: @autoclosure () -> String, length: Int, protection: Int32, flags: Int32,
                      fd: Int32 = -1, offset: off_t = 0) throws(SystemCallError) -> UnsafeMutableRawPointer {
    guard let address = mmap(nil, length, protection, flags, fd, offset), address != MAP_FAILED else {
        throw .last(operation())
    }
    return address
}

/// munmap(2) of a mapping this process made. It fails only for an address
/// or length that names no mapping (EINVAL): a bug, not a condition to handle.
public func unmapMemory(_ address: UnsafeMutableRawPointer, length: Int) {
    guard munmap(address, length) == 0 else {
        preconditionFailure("\(SystemCallError.last("munmap \(address) of \(length) bytes"))")
    }
}
