import BlockModel
import CVduse
import Glibc
import SystemPackage
import SystemCall
import Testing
@testable import Vduse

/// The structs Swift imports against the offsets and sizes the virtio spec
/// (5.2.4) and the uapi headers give.
@Suite struct LayoutTests {
    @Test func blkConfigOffsetsAreTheSpecs() {
        // virtio 1.2, 5.2.4: capacity 0, size_max 8, seg_max 12, geometry 16,
        // blk_size 20, topology 24, writeback 32, num_queues 34, then the
        // discard and write-zeroes limits.
        #expect(MemoryLayout<virtio_blk_config>.offset(of: \.capacity) == 0)
        #expect(MemoryLayout<virtio_blk_config>.offset(of: \.size_max) == 8)
        #expect(MemoryLayout<virtio_blk_config>.offset(of: \.seg_max) == 12)
        #expect(MemoryLayout<virtio_blk_config>.offset(of: \.blk_size) == 20)
        #expect(MemoryLayout<virtio_blk_config>.offset(of: \.num_queues) == 34)
        #expect(MemoryLayout<virtio_blk_config>.offset(of: \.max_discard_sectors) == 36)
        #expect(MemoryLayout<virtio_blk_config>.offset(of: \.max_write_zeroes_sectors) == 48)
    }

    @Test func vduseStructsHaveTheUapiSizes() {
        // name[256], vendor_id, device_id, features, vq_num, vq_align, reserved[13], config_size.
        #expect(mqgen_offsetof_dev_config_config() == 336)
        #expect(MemoryLayout<vduse_dev_config>.size == 336)
        // type, request_id, reserved[4], then a union of 32 words.
        #expect(mqgen_offsetof_dev_request_payload() == 24)
        #expect(MemoryLayout<vduse_dev_request>.size == 152)
        #expect(MemoryLayout<vduse_dev_response>.size == 152)
        #expect(MemoryLayout<vring_desc>.size == 16)
        #expect(MemoryLayout<vring_used_elem>.size == 8)
        #expect(MemoryLayout<virtio_blk_outhdr>.size == 16)
        #expect(MemoryLayout<virtio_blk_discard_write_zeroes>.size == 16)
    }

    @Test func ioctlNumbersAreTheHeaders() {
        // _IOW/_IOWR(0x81, nr, type): direction << 30 | size << 16 | 0x81 << 8 | nr.
        #expect(mqgen_vduse_set_api_version() == 0x4008_8101)
        #expect(mqgen_vduse_create_dev() == 0x4150_8102)
        #expect(mqgen_vduse_destroy_dev() == 0x4100_8103)
        #expect(mqgen_vduse_iotlb_get_fd() == 0xC020_8110)
        #expect(mqgen_vduse_dev_get_features() == 0x8008_8111)
        #expect(mqgen_vduse_vq_setup() == 0x4020_8114)
        #expect(mqgen_vduse_vq_get_info() == 0xC030_8115)
        #expect(mqgen_vduse_vq_setup_kickfd() == 0x4008_8116)
        #expect(mqgen_vduse_vq_inject_irq() == 0x4004_8117)
    }

    @Test func configSpaceCarriesTheGeometry() {
        var config = BlkDeviceConfig(sectors: 0x1_0000_0002, queues: 2)
        config.logicalBlockSize = 4096
        let bytes = config.configSpace
        #expect(bytes.count == MemoryLayout<virtio_blk_config>.size)
        #expect(Array(bytes[0..<8]) == [2, 0, 0, 0, 1, 0, 0, 0]) // capacity, little-endian
        #expect(Array(bytes[20..<24]) == [0, 0x10, 0, 0])         // blk_size 4096
        #expect(Array(bytes[34..<36]) == [2, 0])                   // num_queues
        #expect(Array(bytes[36..<40]) == [0, 0, 0, 0])             // no discard offered
    }

    @Test func featuresFollowTheDriver() {
        func bit(_ number: Int32) -> UInt64 { 1 << UInt64(number) }
        var config = BlkDeviceConfig(sectors: 8, queues: 1)
        // VDUSE refuses a device without ACCESS_PLATFORM, and one with CONFIG_WCE.
        #expect(config.features & bit(33) != 0)
        #expect(config.features & bit(32) != 0)              // VERSION_1
        #expect(config.features & bit(29) != 0)              // RING_EVENT_IDX
        #expect(config.features & bit(11) == 0)              // CONFIG_WCE
        #expect(config.features & bit(12) == 0)              // MQ only with 2+ queues
        #expect(config.features & (bit(9) | bit(13) | bit(14)) == 0)
        config.queues = 2
        config.deviceFeatures = [.volatileWriteCache, .discard, .forceUnitAccess]
        #expect(config.features & bit(12) != 0)
        #expect(config.features & bit(9) != 0)               // FLUSH
        #expect(config.features & (bit(13) | bit(14)) == bit(13) | bit(14))
    }

    @Test func statusBytesAreTheSpecs() {
        #expect(virtioBlkStatus(ok: true, unsupported: false) == 0)
        #expect(virtioBlkStatus(ok: false, unsupported: false) == 1)
        #expect(virtioBlkStatus(ok: false, unsupported: true) == 2)
    }

    @Test func netlinkRequestIsGenericNetlink() {
        let message = NetlinkSocket.encode(type: 0x1c, flags: 5, sequence: 9, command: 1, version: 1,
                                           attributes: [(3, "vduse")])
        // nlmsghdr (16) + genlmsghdr (4) + nlattr (4) + "vduse\0" padded to 8.
        #expect(message.count == 32)
        #expect(Array(message[0..<4]) == [32, 0, 0, 0])
        #expect(Array(message[4..<8]) == [0x1c, 0, 5, 0])
        #expect(Array(message[16..<20]) == [1, 1, 0, 0])
        #expect(Array(message[20..<24]) == [10, 0, 3, 0])
        #expect(Array(message[24..<30]) == Array("vduse".utf8) + [0])
        #expect(NetlinkSocket.attribute(3, in: Array(message[16...])) == Array("vduse".utf8) + [0])
    }

    /// A real failed open(2): the error names the operation and the path,
    /// carries the kernel's errno, and reads as strerror(3) says.
    @Test func aFailedCallCarriesItsErrno() {
        let path = "/nonexistent-\(getpid())/control"
        #expect {
            _ = try FileDescriptor.open(path, flags: O_RDWR)
        } throws: { error in
            guard let error = error as? SystemCallError else { return false }
            return error.errno.rawValue == ENOENT
                && error.description.hasPrefix("open \(path): \(String(cString: strerror(ENOENT))) (errno \(ENOENT))")
        }
    }
}
