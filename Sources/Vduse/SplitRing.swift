import CVduse

/// One buffer of a descriptor chain, already in our address space.
public struct Segment: Equatable {
    public var base: UnsafeMutableRawPointer
    public var length: Int
    /// Device-writable (`VRING_DESC_F_WRITE`): the device fills it.
    public var writable: Bool

    public init(base: UnsafeMutableRawPointer, length: Int, writable: Bool) {
        self.base = base
        self.length = length
        self.writable = writable
    }
}

/// Where the device finds the memory a guest address names (an IOVA under
/// VDUSE); nil when nothing is mapped there.
public protocol AddressSpace {
    func pointer(_ address: UInt64, length: Int) -> UnsafeMutableRawPointer?
}

/// Why a chain could not be walked: the device marks such a request failed.
public enum ChainError: Error, Equatable {
    case badIndex(UInt16)
    case unmapped(UInt64)
    case loop
    case nestedIndirect
    case badIndirectLength(UInt32)
}

/// The device's side of a split virtqueue (virtio 1.x, 2.7): the descriptor
/// table, the available ring the driver fills and the used ring the device
/// fills, laid out as `struct vring_desc`, `vring_avail` and `vring_used` of
/// `<linux/virtio_ring.h>`, little-endian (VIRTIO_F_VERSION_1 on x86).
public struct SplitRing {
    public let size: UInt16
    let descriptors: UnsafeMutablePointer<vring_desc>
    let avail: UnsafeMutableRawPointer
    let used: UnsafeMutableRawPointer
    /// The next available entry to take, and the next used entry to fill.
    public private(set) var lastAvail: UInt16
    public private(set) var usedIndex: UInt16
    /// The used index the driver last saw published (for the interrupt decision).
    private var publishedUsed: UInt16

    public init(size: UInt16, descriptors: UnsafeMutableRawPointer, avail: UnsafeMutableRawPointer,
                used: UnsafeMutableRawPointer, lastAvail: UInt16 = 0, usedIndex: UInt16? = nil) {
        self.size = size
        self.descriptors = descriptors.assumingMemoryBound(to: vring_desc.self)
        self.avail = avail
        self.used = used
        self.lastAvail = lastAvail
        // After a reset both rings restart where the driver's avail index
        // is; a ring taken over goes on from what the dead server published.
        self.usedIndex = usedIndex ?? lastAvail
        publishedUsed = self.usedIndex
    }

    /// The used index in the ring, as last published (by anyone).
    public var publishedIndexInRing: UInt16 { mqgen_load_acquire_u16(usedIndexPointer) }

    /// The used index this side published last.
    public var publishedIndex: UInt16 { publishedUsed }

    /// The head of the used element at `position` (modulo the size).
    public func usedHead(at position: UInt16) -> UInt16 {
        UInt16(truncatingIfNeeded: (used + 4 + 8 * Int(position % size)).load(as: UInt32.self))
    }

    // Offsets inside `struct vring_avail` / `struct vring_used`.
    private var availIndexPointer: UnsafeMutablePointer<UInt16> { (avail + 2).assumingMemoryBound(to: UInt16.self) }
    private var usedIndexPointer: UnsafeMutablePointer<UInt16> { (used + 2).assumingMemoryBound(to: UInt16.self) }
    /// `used_event`, after the avail ring's entries (EVENT_IDX).
    private var usedEvent: UInt16 { (avail + 4 + 2 * Int(size)).load(as: UInt16.self) }
    /// `avail_event`, after the used ring's entries (EVENT_IDX).
    private var availEvent: UnsafeMutablePointer<UInt16> { (used + 4 + 8 * Int(size)).assumingMemoryBound(to: UInt16.self) }

    /// The head of the next chain the driver made available, if any.
    public mutating func nextAvailable() -> UInt16? {
        guard lastAvail != mqgen_load_acquire_u16(availIndexPointer) else { return nil }
        let head = (avail + 4 + 2 * Int(lastAvail % size)).load(as: UInt16.self)
        lastAvail &+= 1
        return head
    }

    /// With EVENT_IDX: asks for a kick only once the driver adds past what we
    /// took, then says whether more came meanwhile (check again before sleeping).
    public mutating func armKick() -> Bool {
        availEvent.pointee = lastAvail
        mqgen_full_fence()
        return lastAvail != mqgen_load_acquire_u16(availIndexPointer)
    }

    /// Walks the chain starting at `head` into `segments` (emptied first),
    /// following `VRING_DESC_F_NEXT` and one level of indirect table.
    public func walk(head: UInt16, in memory: some AddressSpace, into segments: inout [Segment]) throws(ChainError) {
        segments.removeAll(keepingCapacity: true)
        try walk(table: descriptors, count: size, first: head, in: memory, into: &segments, indirectAllowed: true)
    }

    private func walk(table: UnsafeMutablePointer<vring_desc>, count: UInt16, first: UInt16, in memory: some AddressSpace,
                      into segments: inout [Segment], indirectAllowed: Bool) throws(ChainError) {
        var index = first
        // A chain visits each descriptor at most once; more steps mean a loop.
        for _ in 0..<Int(count) {
            guard index < count else { throw .badIndex(index) }
            let descriptor = table[Int(index)]
            if descriptor.flags & UInt16(VRING_DESC_F_INDIRECT) != 0 {
                guard indirectAllowed else { throw .nestedIndirect }
                try walkIndirect(descriptor, in: memory, into: &segments)
            } else {
                guard let base = memory.pointer(descriptor.addr, length: Int(descriptor.len)) else {
                    throw .unmapped(descriptor.addr)
                }
                segments.append(Segment(base: base, length: Int(descriptor.len),
                                        writable: descriptor.flags & UInt16(VRING_DESC_F_WRITE) != 0))
            }
            guard descriptor.flags & UInt16(VRING_DESC_F_NEXT) != 0 else { return }
            index = descriptor.next
        }
        throw .loop
    }

    /// An indirect descriptor points at a table of its own (2.7.5.3).
    private func walkIndirect(_ descriptor: vring_desc, in memory: some AddressSpace, into segments: inout [Segment]) throws(ChainError) {
        let stride = UInt32(MemoryLayout<vring_desc>.stride)
        guard descriptor.len > 0, descriptor.len % stride == 0, descriptor.len / stride <= UInt32(UInt16.max) else {
            throw .badIndirectLength(descriptor.len)
        }
        guard let table = memory.pointer(descriptor.addr, length: Int(descriptor.len)) else { throw .unmapped(descriptor.addr) }
        try walk(table: table.assumingMemoryBound(to: vring_desc.self), count: UInt16(descriptor.len / stride), first: 0,
                 in: memory, into: &segments, indirectAllowed: false)
    }

    /// Fills the next used element; the driver sees it after `publish`.
    public mutating func addUsed(head: UInt16, written: UInt32) {
        let element = (used + 4 + 8 * Int(usedIndex % size)).assumingMemoryBound(to: vring_used_elem.self)
        element.pointee = vring_used_elem(id: UInt32(head), len: written)
        usedIndex &+= 1
    }

    /// Makes the used elements added so far visible; returns whether the
    /// driver asked to be interrupted for them.
    public mutating func publish(eventIndex: Bool) -> Bool {
        guard usedIndex != publishedUsed else { return false }
        let old = publishedUsed
        publishedUsed = usedIndex
        mqgen_store_release_u16(usedIndexPointer, usedIndex)
        // The driver writes used_event (or the flag) before it reads our index.
        mqgen_full_fence()
        if eventIndex { return Self.needEvent(event: usedEvent, new: usedIndex, old: old) }
        return (avail.load(as: UInt16.self) & UInt16(VRING_AVAIL_F_NO_INTERRUPT)) == 0
    }

    /// `vring_need_event`: whether moving the index from `old` to `new`
    /// passed `event`, in 16-bit wrapping arithmetic.
    public static func needEvent(event: UInt16, new: UInt16, old: UInt16) -> Bool {
        new &- event &- 1 < new &- old
    }

    /// Bytes the three parts take for `size` entries (2.7.2 alignment aside).
    public static func byteCounts(size: Int) -> (descriptors: Int, avail: Int, used: Int) {
        (16 * size, 6 + 2 * size, 6 + 8 * size)
    }
}
