import CVduse

/// A virtio-blk request as its descriptor chain lays it out (virtio 1.x,
/// 5.2.6): a 16-byte `struct virtio_blk_outhdr` the driver wrote, the data,
/// and one status byte the device writes last. The spec lets the parts
/// share or split buffers however the driver likes, so they are cut out of
/// the chain by byte position, not by descriptor.
public struct BlkChain {
    /// `VIRTIO_BLK_T_*`.
    public var type: UInt32
    /// In 512-byte sectors, whatever the block size.
    public var sector: UInt64
    /// The data buffers, in order, without header and status.
    public var data: [Segment]
    /// Where the status byte goes.
    public var status: UnsafeMutableRawPointer

    public static let headerSize = MemoryLayout<virtio_blk_outhdr>.size

    /// Cuts a chain into its parts; nil when it has no room for the header
    /// (device-readable) or the status byte (device-writable, last).
    public init?(_ segments: [Segment]) {
        guard let last = segments.last, last.writable, last.length >= 1 else { return nil }
        var outhdr = virtio_blk_outhdr()
        var copied = 0
        var data: [Segment] = []
        data.reserveCapacity(segments.count)
        for (index, segment) in segments.enumerated() {
            var segment = segment
            if index == segments.count - 1 { segment.length -= 1 }
            if copied < Self.headerSize {
                guard !segment.writable else { return nil }
                let take = min(segment.length, Self.headerSize - copied)
                withUnsafeMutableBytes(of: &outhdr) { ($0.baseAddress! + copied).copyMemory(from: segment.base, byteCount: take) }
                copied += take
                segment.base += take
                segment.length -= take
            }
            if segment.length > 0 { data.append(segment) }
        }
        guard copied == Self.headerSize else { return nil }
        self.data = data
        status = last.base + (last.length - 1)
        type = outhdr.type
        sector = outhdr.sector
    }

    /// Bytes of data, all segments together.
    public var dataBytes: Int { data.reduce(0) { $0 + $1.length } }

    /// Whether every data segment goes the way the type needs: the device
    /// writes a read's (IN, GET_ID) and reads everything else's.
    public var directionsMatch: Bool {
        let deviceWrites = type == UInt32(VIRTIO_BLK_T_IN) || type == UInt32(VIRTIO_BLK_T_GET_ID)
        return data.allSatisfy { $0.writable == deviceWrites }
    }
}
