import BlockModel
import CLinuxFile
#if canImport(Glibc)
import Glibc
#endif

/// A disk backed by a regular file, with pread/pwrite. A flush returns
/// after fdatasync, so data written before it is on stable storage;
/// discard punches a hole and write-zeroes zeroes the range.
public final class FileDriver: Operations, @unchecked Sendable {
    public let path: String
    public let capacity: UInt64
    private let descriptor: Int32

    /// Opens `path`, creating it with `bytes` when it does not exist. With
    /// `bytes` nil the disk is the file's current size.
    public init(path: String, bytes: UInt64? = nil) throws(BlockError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BlockError(errno: errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = BlockError(errno: errno)
            close(fd)
            throw error
        }
        var size = UInt64(info.st_size)
        if let bytes, size != bytes {
            guard ftruncate(fd, off_t(bytes)) == 0 else {
                let error = BlockError(errno: errno)
                close(fd)
                throw error
            }
            size = bytes
        }
        guard size >= 512 else {
            close(fd)
            throw .invalidArgument
        }
        self.path = path
        descriptor = fd
        capacity = size & ~511
    }

    deinit {
        close(descriptor)
    }

    public func queueRq(_ request: consuming RequestRef<FileDriver>, isLast: Bool) throws(BlockError) {
        let rq = request.request
        switch rq.operation {
        case .flush:
            guard fdatasync(descriptor) == 0 else { throw BlockError(errno: errno) }
        case .read:
            try transfer(rq, range: rq.byteRange(within: capacity)) { pread($0, $1, $2, $3) }
        case .write:
            try transfer(rq, range: rq.byteRange(within: capacity)) { pwrite($0, $1, $2, $3) }
        case .discard, .writeZeroes:
            let range = try rq.byteRange(within: capacity)
            let mode = rq.operation == .discard ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE : FALLOC_FL_ZERO_RANGE
            guard fallocate(descriptor, mode, off_t(range.lowerBound), off_t(range.count)) == 0 else {
                throw BlockError(errno: errno)
            }
        }
        _ = request.endOk()
    }

    /// Loops over short reads and writes; a read past the end of the file
    /// (shorter than the disk) fills zeros.
    private func transfer(_ rq: Request<FileDriver>, range: Range<UInt64>,
                          _ io: (Int32, UnsafeMutableRawPointer, Int, off_t) -> Int) throws(BlockError) {
        guard let base = rq.buffer.baseAddress else { return }
        var done = 0
        while done < range.count {
            let n = io(descriptor, base + done, Int(range.count) - done, off_t(range.lowerBound) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw BlockError(errno: errno)
            }
            if n == 0 {
                guard rq.operation == .read else { throw .io }
                memset(base + done, 0, Int(range.count) - done)
                return
            }
            done += n
        }
    }
}
