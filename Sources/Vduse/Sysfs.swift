import Foundation

/// The VDUSE devices sysfs shows, whoever made them, and their disks.
public enum VduseSysfs {
    /// Every device's name: `/sys/class/vduse/NAME`, from VDUSE_CREATE_DEV
    /// to VDUSE_DESTROY_DEV, attached or not (`control` is not a device).
    public static func deviceNames(in directory: String = "/sys/class/vduse") -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0 != "control" }.sorted()
    }

    /// The disk virtio_vdpa made of `name` (`/sys/bus/vdpa/devices/NAME/virtioN/block/vdX`), if any.
    public static func disk(of name: String) -> String? {
        let base = "/sys/bus/vdpa/devices/\(name)"
        let files = FileManager.default
        guard let virtio = (try? files.contentsOfDirectory(atPath: base))?.first(where: { $0.hasPrefix("virtio") }) else { return nil }
        return (try? files.contentsOfDirectory(atPath: "\(base)/\(virtio)/block"))?.first
    }

    /// A disk's size in bytes and logical block size, from `/sys/block/DISK`.
    public static func geometry(of disk: String) -> (bytes: UInt64, blockSize: UInt32)? {
        guard let sectors = number("/sys/block/\(disk)/size").flatMap(UInt64.init),
              let blockSize = number("/sys/block/\(disk)/queue/logical_block_size").flatMap(UInt32.init) else { return nil }
        // sysfs counts 512-byte sectors whatever the block size.
        return (sectors << 9, blockSize)
    }

    private static func number(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
