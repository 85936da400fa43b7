import CVduse
@testable import Vduse

/// Guest memory where an address is the pointer itself.
struct IdentityMemory: AddressSpace {
    /// Addresses at or past this are "unmapped".
    var limit = UInt64.max

    func pointer(_ address: UInt64, length: Int) -> UnsafeMutableRawPointer? {
        address >= limit || address == 0 ? nil : UnsafeMutableRawPointer(bitPattern: UInt(address))
    }
}

/// A split virtqueue built by hand as the driver would, with the structs of
/// <linux/virtio_ring.h>: the test plays the driver side.
final class TestRing {
    let size: UInt16
    let descriptors: UnsafeMutablePointer<vring_desc>
    let avail: UnsafeMutableRawPointer
    let used: UnsafeMutableRawPointer
    private var buffers: [UnsafeMutableRawPointer] = []

    init(size: UInt16) {
        self.size = size
        descriptors = .allocate(capacity: Int(size))
        descriptors.initialize(repeating: vring_desc(), count: Int(size))
        // vring_avail: flags, idx, ring[size], used_event.
        avail = .allocate(byteCount: 6 + 2 * Int(size), alignment: 2)
        avail.initializeMemory(as: UInt8.self, repeating: 0, count: 6 + 2 * Int(size))
        // vring_used: flags, idx, ring[size] of vring_used_elem, avail_event.
        used = .allocate(byteCount: 6 + 8 * Int(size), alignment: 4)
        used.initializeMemory(as: UInt8.self, repeating: 0, count: 6 + 8 * Int(size))
    }

    deinit {
        descriptors.deallocate()
        avail.deallocate()
        used.deallocate()
        for buffer in buffers { buffer.deallocate() }
    }

    func buffer(_ bytes: Int, fill: UInt8 = 0) -> UnsafeMutableRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4096)
        buffer.initializeMemory(as: UInt8.self, repeating: fill, count: bytes)
        buffers.append(buffer)
        return buffer
    }

    func header(type: Int32, sector: UInt64) -> UnsafeMutableRawPointer {
        let header = buffer(MemoryLayout<virtio_blk_outhdr>.size)
        header.storeBytes(of: virtio_blk_outhdr(type: UInt32(type), ioprio: 0, sector: sector), as: virtio_blk_outhdr.self)
        return header
    }

    func set(_ index: Int, _ pointer: UnsafeMutableRawPointer, length: Int, flags: Int32, next: UInt16 = 0,
             in table: UnsafeMutablePointer<vring_desc>? = nil) {
        (table ?? descriptors)[index] = vring_desc(addr: UInt64(UInt(bitPattern: pointer)), len: UInt32(length),
                                                   flags: UInt16(flags), next: next)
    }

    var vring: SplitRing {
        SplitRing(size: size, descriptors: UnsafeMutableRawPointer(descriptors), avail: avail, used: used)
    }

    /// The driver makes `head` available (vring_avail.ring[idx % size], then idx).
    func makeAvailable(_ head: UInt16) {
        let index = avail.load(fromByteOffset: 2, as: UInt16.self)
        avail.storeBytes(of: head, toByteOffset: 4 + 2 * Int(index % size), as: UInt16.self)
        avail.storeBytes(of: index &+ 1, toByteOffset: 2, as: UInt16.self)
    }

    var availRing: UnsafeMutablePointer<vring_avail> { avail.assumingMemoryBound(to: vring_avail.self) }
    var usedRing: UnsafeMutablePointer<vring_used> { used.assumingMemoryBound(to: vring_used.self) }

    /// `vring_used_event`: the entry after the avail ring's last.
    func setUsedEvent(_ value: UInt16) {
        avail.storeBytes(of: value, toByteOffset: MemoryLayout<vring_avail>.size + 2 * Int(size), as: UInt16.self)
    }

    /// `vring_avail_event`: the entry after the used ring's last.
    var availEvent: UInt16 {
        used.load(fromByteOffset: MemoryLayout<vring_used>.size + MemoryLayout<vring_used_elem>.stride * Int(size), as: UInt16.self)
    }

    func usedElement(_ position: Int) -> vring_used_elem {
        (used + MemoryLayout<vring_used>.size).assumingMemoryBound(to: vring_used_elem.self)[position % Int(size)]
    }
}
