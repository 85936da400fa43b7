import CVduse
import Testing
@testable import Vduse

/// The device side of a split virtqueue against rings laid out with the
/// uapi structs, as the virtio driver fills them.
@Suite struct SplitRingTests {
    @Test func readChainIsHeaderDataStatus() throws {
        let ring = TestRing(size: 8)
        let data = ring.buffer(4096)
        let status = ring.buffer(1, fill: 0xff)
        ring.set(3, ring.header(type: VIRTIO_BLK_T_IN, sector: 2048), length: 16, flags: VRING_DESC_F_NEXT, next: 5)
        ring.set(5, data, length: 4096, flags: VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, next: 1)
        ring.set(1, status, length: 1, flags: VRING_DESC_F_WRITE)
        ring.makeAvailable(3)
        var vring = ring.vring
        do { let result = vring.nextAvailable() == 3; #expect(result) }
        do { let result = vring.nextAvailable() == nil; #expect(result) }
        var segments: [Segment] = []
        try vring.walk(head: 3, in: IdentityMemory(), into: &segments)
        #expect(segments.map(\.length) == [16, 4096, 1])
        let chain = try #require(BlkChain(segments))
        #expect(chain.type == UInt32(VIRTIO_BLK_T_IN))
        #expect(chain.sector == 2048)
        #expect(chain.data == [Segment(base: data, length: 4096, writable: true)])
        #expect(chain.status == status)
        #expect(chain.directionsMatch)
    }

    @Test func headerAndDataMayShareADescriptor() throws {
        // VIRTIO_F_VERSION_1 implies ANY_LAYOUT: framing is the driver's choice.
        let ring = TestRing(size: 4)
        let both = ring.buffer(16 + 512)
        both.copyMemory(from: ring.header(type: VIRTIO_BLK_T_OUT, sector: 7), byteCount: 16)
        let status = ring.buffer(1)
        ring.set(0, both, length: 16 + 512, flags: VRING_DESC_F_NEXT, next: 1)
        ring.set(1, status, length: 1, flags: VRING_DESC_F_WRITE)
        var segments: [Segment] = []
        try ring.vring.walk(head: 0, in: IdentityMemory(), into: &segments)
        let chain = try #require(BlkChain(segments))
        #expect(chain.type == UInt32(VIRTIO_BLK_T_OUT))
        #expect(chain.sector == 7)
        #expect(chain.data == [Segment(base: both + 16, length: 512, writable: false)])
        #expect(chain.dataBytes == 512)
    }

    @Test func indirectTableIsFollowed() throws {
        let ring = TestRing(size: 4)
        let table = ring.buffer(3 * MemoryLayout<vring_desc>.stride).assumingMemoryBound(to: vring_desc.self)
        let data = ring.buffer(8192)
        let status = ring.buffer(1)
        ring.set(0, ring.header(type: VIRTIO_BLK_T_IN, sector: 0), length: 16, flags: VRING_DESC_F_NEXT, next: 1, in: table)
        ring.set(1, data, length: 8192, flags: VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, next: 2, in: table)
        ring.set(2, status, length: 1, flags: VRING_DESC_F_WRITE, in: table)
        ring.set(2, UnsafeMutableRawPointer(table), length: 3 * 16, flags: VRING_DESC_F_INDIRECT)
        var segments: [Segment] = []
        try ring.vring.walk(head: 2, in: IdentityMemory(), into: &segments)
        #expect(segments.map(\.length) == [16, 8192, 1])
        #expect(BlkChain(segments)?.dataBytes == 8192)
    }

    @Test func brokenChainsAreRefused() {
        let ring = TestRing(size: 4)
        let buffer = ring.buffer(16)
        var segments: [Segment] = []
        let vring = ring.vring
        func walk(_ head: UInt16, _ memory: IdentityMemory = IdentityMemory()) throws(ChainError) {
            try vring.walk(head: head, in: memory, into: &segments)
        }
        // A loop: 0 -> 1 -> 0.
        ring.set(0, buffer, length: 16, flags: VRING_DESC_F_NEXT, next: 1)
        ring.set(1, buffer, length: 16, flags: VRING_DESC_F_NEXT, next: 0)
        #expect(throws: ChainError.loop) { try walk(0) }
        // A next past the table.
        ring.set(1, buffer, length: 16, flags: VRING_DESC_F_NEXT, next: 9)
        #expect(throws: ChainError.badIndex(9)) { try walk(0) }
        // An address nothing maps.
        ring.set(3, buffer, length: 16, flags: 0)
        #expect(throws: ChainError.unmapped(UInt64(UInt(bitPattern: buffer)))) {
            try walk(3, IdentityMemory(limit: 1))
        }
        // An indirect table inside an indirect table (2.7.5.3.1: the driver MUST NOT).
        let table = ring.buffer(16).assumingMemoryBound(to: vring_desc.self)
        ring.set(0, buffer, length: 16, flags: VRING_DESC_F_INDIRECT, in: table)
        ring.set(2, UnsafeMutableRawPointer(table), length: 16, flags: VRING_DESC_F_INDIRECT)
        #expect(throws: ChainError.nestedIndirect) { try walk(2) }
        // An indirect length that is not a whole number of descriptors.
        ring.set(2, UnsafeMutableRawPointer(table), length: 20, flags: VRING_DESC_F_INDIRECT)
        #expect(throws: ChainError.badIndirectLength(20)) { try walk(2) }
    }

    @Test func chainsWithoutHeaderOrStatusAreNotRequests() {
        let ring = TestRing(size: 4)
        let header = ring.header(type: VIRTIO_BLK_T_IN, sector: 0)
        let status = ring.buffer(1)
        // The status byte must be device-writable.
        #expect(BlkChain([Segment(base: header, length: 16, writable: false), Segment(base: status, length: 1, writable: false)]) == nil)
        // The header must be all there and device-readable.
        #expect(BlkChain([Segment(base: header, length: 8, writable: false), Segment(base: status, length: 1, writable: true)]) == nil)
        #expect(BlkChain([Segment(base: header, length: 16, writable: true), Segment(base: status, length: 1, writable: true)]) == nil)
        // A write whose data the device would have to write into.
        let data = ring.buffer(512)
        let write = BlkChain([Segment(base: ring.header(type: VIRTIO_BLK_T_OUT, sector: 0), length: 16, writable: false),
                              Segment(base: data, length: 512, writable: true), Segment(base: status, length: 1, writable: true)])
        #expect(write?.directionsMatch == false)
    }

    @Test func usedElementsArePublishedInOrder() {
        let ring = TestRing(size: 4)
        var vring = ring.vring
        vring.addUsed(head: 2, written: 4097)
        vring.addUsed(head: 0, written: 1)
        // Nothing visible before publish.
        #expect(ring.usedRing.pointee.idx == 0)
        do { let result = vring.publish(eventIndex: false); #expect(result) }
        #expect(ring.usedRing.pointee.idx == 2)
        #expect(ring.usedElement(0).id == 2 && ring.usedElement(0).len == 4097)
        #expect(ring.usedElement(1).id == 0 && ring.usedElement(1).len == 1)
        // Nothing new: no interrupt.
        do { let result = vring.publish(eventIndex: false); #expect(!result) }
        // VRING_AVAIL_F_NO_INTERRUPT suppresses it without EVENT_IDX.
        ring.availRing.pointee.flags = UInt16(VRING_AVAIL_F_NO_INTERRUPT)
        vring.addUsed(head: 1, written: 1)
        do { let result = vring.publish(eventIndex: false); #expect(!result) }
    }

    @Test func eventIndexDecidesTheInterrupt() {
        let ring = TestRing(size: 4)
        var vring = ring.vring
        // The driver wants an interrupt once used idx passes 1 (used_event = 1).
        ring.setUsedEvent(1)
        vring.addUsed(head: 0, written: 1)
        do { let result = vring.publish(eventIndex: true); #expect(!result) } // idx 0 -> 1 does not pass entry 1
        vring.addUsed(head: 1, written: 1)
        do { let result = vring.publish(eventIndex: true); #expect(result) } // idx 1 -> 2 does
    }

    @Test func armingTheKickWritesAvailEvent() {
        let ring = TestRing(size: 4)
        ring.makeAvailable(0)
        var vring = ring.vring
        _ = vring.nextAvailable()
        do { let result = vring.armKick(); #expect(!result) }
        #expect(ring.availEvent == 1)
        ring.makeAvailable(1)
        do { let result = vring.armKick(); #expect(result) } // more came: look again before sleeping
    }

    /// `vring_need_event(event_idx, new_idx, old)` of virtio_ring.h:
    /// `(__u16)(new_idx - event_idx - 1) < (__u16)(new_idx - old)`.
    @Test(arguments: [
        (UInt16(5), UInt16(6), UInt16(5), true),
        (5, 5, 4, false),
        (5, 10, 0, true),
        (5, 4, 0, false),
        (65535, 0, 65535, true),   // wraps
        (65535, 1, 65534, true),
        (0, 65535, 65534, false),
        (7, 7, 7, false),          // nothing new
    ])
    func needEventFollowsTheHeader(event: UInt16, new: UInt16, old: UInt16, expected: Bool) {
        #expect(SplitRing.needEvent(event: event, new: new, old: old) == expected)
    }
}
