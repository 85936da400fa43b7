import CVduse
import Synchronization
import SystemCall
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// One IOVA range mapped into this process (VDUSE_IOTLB_GET_FD + mmap): the
/// bounce buffer the kernel copies request data through, or a coherent
/// allocation such as a ring.
///
/// `@unchecked Sendable`: a plain address range; the memory behind `base`
/// is the kernel's, shared with the driver, and stays mapped until
/// `IOTLB.unmapAll`, which runs only with no queue thread left.
struct IOVAMapping: @unchecked Sendable {
    var first: UInt64
    var last: UInt64
    var base: UnsafeMutableRawPointer

    func pointer(_ address: UInt64, length: Int) -> UnsafeMutableRawPointer? {
        guard address >= first, length >= 0, address &+ UInt64(max(length, 1)) &- 1 <= last,
              address &+ UInt64(length) >= address else { return nil }
        return base + Int(address - first)
    }

    var byteCount: Int { Int(last - first + 1) }
}

/// The device's view of the IOTLB. Lookups map on demand; UPDATE_IOTLB
/// drops the mappings it overlaps from the table. A dropped mapping stays
/// mapped until the queues are stopped (`unmapAll`), so a queue thread that
/// still holds a pointer into it reads stale memory at worst, never faults.
final class IOTLB: Sendable {
    private let device: VduseDeviceFile
    private let state = Mutex<(live: [IOVAMapping], retired: [IOVAMapping])>(([], []))
    /// Bumped whenever a mapping leaves the table: queue caches start over.
    let generation = Atomic<UInt64>(0)

    init(device: VduseDeviceFile) {
        self.device = device
    }

    /// The mapping covering `address`, made now if needed.
    func mapping(covering address: UInt64) -> IOVAMapping? {
        state.withLock { state -> IOVAMapping? in
            if let found = state.live.first(where: { address >= $0.first && address <= $0.last }) { return found }
            guard let made = try? map(address) else { return nil }
            state.live.append(made)
            return made
        }
    }

    private func map(_ address: UInt64) throws(SystemCallError) -> IOVAMapping {
        let (fd, entry) = try device.iotlbEntry(address)
        defer { fd.closeReleasing() }
        var protection: Int32 = 0
        if entry.perm & UInt8(VDUSE_ACCESS_RO) != 0 { protection |= PROT_READ }
        if entry.perm & UInt8(VDUSE_ACCESS_WO) != 0 { protection |= PROT_WRITE }
        let bytes = Int(entry.last - entry.start + 1)
        let base = try mapMemory("mmap IOVA 0x\(String(entry.start, radix: 16))", length: bytes, protection: protection,
                                 flags: MAP_SHARED, fd: fd.rawValue, offset: off_t(entry.offset))
        return IOVAMapping(first: entry.start, last: entry.last, base: base)
    }

    /// UPDATE_IOTLB: the kernel changed what [first, last] maps to.
    func invalidate(first: UInt64, last: UInt64) {
        state.withLock { state in
            let stale = state.live.filter { $0.first <= last && $0.last >= first }
            state.live.removeAll { $0.first <= last && $0.last >= first }
            state.retired += stale
        }
        generation.add(1, ordering: .releasing)
    }

    /// Unmaps everything: only while no queue thread runs.
    func unmapAll() {
        state.withLock { state in
            for mapping in state.live + state.retired { unmapMemory(mapping.base, length: mapping.byteCount) }
            state = ([], [])
        }
        generation.add(1, ordering: .releasing)
    }
}

/// A queue thread's lock-free view of the IOTLB: the mappings it used, valid
/// while the IOTLB's generation stays the same.
final class IOTLBCache: AddressSpace {
    private let iotlb: IOTLB
    private var mappings: [IOVAMapping] = []
    private var generation: UInt64 = .max

    init(_ iotlb: IOTLB) {
        self.iotlb = iotlb
    }

    func pointer(_ address: UInt64, length: Int) -> UnsafeMutableRawPointer? {
        let current = iotlb.generation.load(ordering: .acquiring)
        if current != generation {
            mappings.removeAll(keepingCapacity: true)
            generation = current
        }
        for mapping in mappings {
            if let pointer = mapping.pointer(address, length: length) { return pointer }
        }
        guard let mapping = iotlb.mapping(covering: address) else { return nil }
        mappings.append(mapping)
        return mapping.pointer(address, length: length)
    }
}
