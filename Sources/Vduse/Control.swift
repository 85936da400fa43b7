import CVduse
import SystemCall
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// `/dev/vduse/control`: creates and destroys VDUSE devices.
public final class VduseControl {
    private let fd: FileDescriptor

    public init() throws(SystemCallError) {
        do {
            fd = try FileDescriptor.open("/dev/vduse/control", flags: O_RDWR)
        } catch {
            throw error.hinting(error.errno == .noSuchFileOrDirectory ? "load the VDUSE driver first: modprobe vduse" : nil)
        }
        var version = UInt64(VDUSE_API_VERSION)
        do {
            _ = try checked("VDUSE_SET_API_VERSION") { mqgen_vduse_ioctl(fd.rawValue, mqgen_vduse_set_api_version(), &version) }
        } catch {
            fd.closeReleasing()
            throw error
        }
    }

    deinit {
        fd.closeReleasing()
    }

    /// VDUSE_CREATE_DEV: a virtio-blk device `name` with `queues` virtqueues.
    public func createBlockDevice(name: String, config: BlkDeviceConfig) throws(SystemCallError) {
        let space = config.configSpace
        let size = Int(mqgen_offsetof_dev_config_config()) + space.count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { raw.deallocate() }
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        let header = raw.assumingMemoryBound(to: vduse_dev_config.self)
        try Self.copyName(name, into: raw)
        header.pointee.device_id = UInt32(VIRTIO_ID_BLOCK)
        header.pointee.features = config.features
        header.pointee.vq_num = UInt32(config.queues)
        // The used ring's alignment (VRING_USED_ALIGN_SIZE is 4); a page keeps
        // each ring on pages of its own.
        header.pointee.vq_align = UInt32(sysconf(Int32(_SC_PAGESIZE)))
        header.pointee.config_size = UInt32(space.count)
        (raw + Int(mqgen_offsetof_dev_config_config())).copyMemory(from: space, byteCount: space.count)
        do {
            _ = try checked("VDUSE_CREATE_DEV \(name)") { mqgen_vduse_ioctl(fd.rawValue, mqgen_vduse_create_dev(), raw) }
        } catch {
            throw error.hinting(error.errno == .fileExists
                ? "the name is taken; remove a device a killed server left with: mqgen-serve delete --transport vduse --name \(name)"
                : nil)
        }
    }

    /// VDUSE_DESTROY_DEV: fails with EBUSY while the device is on the vDPA
    /// bus or its char device is open.
    public func destroyDevice(name: String) throws(SystemCallError) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Int(VDUSE_NAME_MAX), alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: Int(VDUSE_NAME_MAX))
        try Self.copyName(name, into: buffer)
        _ = try checked("VDUSE_DESTROY_DEV \(name)") { mqgen_vduse_ioctl(fd.rawValue, mqgen_vduse_destroy_dev(), buffer) }
    }

    /// A NUL-terminated name of at most VDUSE_NAME_MAX - 1 bytes, no '/'.
    static func copyName(_ name: String, into raw: UnsafeMutableRawPointer) throws(SystemCallError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count < Int(VDUSE_NAME_MAX), !bytes.contains(UInt8(ascii: "/")) else {
            throw SystemCallError("device name '\(name)'", errno: EINVAL)
        }
        raw.copyMemory(from: bytes, byteCount: bytes.count)
        raw.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
    }
}
