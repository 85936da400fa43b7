import DeviceList
import Foundation
import SystemCall
import Ublk
import Vduse

/// What the kernel says of every ublk and VDUSE device, whoever made it:
/// the reads behind `list`, kept apart from its decisions (`Listing`).
enum KernelView {
    /// Without sysfs every device would look gone and every record stale.
    static func requireSysfs() throws(SystemCallError) {
        guard FileManager.default.fileExists(atPath: "/sys/class") else {
            throw SystemCallError("/sys/class", errno: ENOENT, hint: "sysfs is not mounted, so no device can be listed")
        }
    }

    /// GET_DEV_INFO and GET_PARAMS of each `/sys/class/ublk-char/ublkcN`.
    static func ublkDevices() throws(SystemCallError) -> [UblkObservation] {
        let ids = UblkSysfs.deviceIDs()
        // No device, no need for /dev/ublk-control (nor for ublk_drv).
        guard !ids.isEmpty else { return [] }
        let control = try UblkControl()
        var devices: [UblkObservation] = []
        for id in ids {
            let info: UblkDeviceInfo
            do throws(SystemCallError) {
                info = try control.deviceInfo(id)
            } catch where error.errno == .operationNotSupportedByDevice {
                continue // deleted since the directory was read
            }
            let geometry = try? control.geometry(id)
            devices.append(UblkObservation(id: id, state: info.state, userRecovery: info.userRecovery, serverPID: info.serverPID,
                                           queues: info.queues, depth: info.depth, bytes: geometry?.bytes,
                                           blockSize: geometry?.logicalBlockSize, hasDisk: UblkSysfs.hasDisk(id)))
        }
        return devices
    }

    /// `/sys/class/vduse/NAME`, vdpa DEV_GET and the disk of each.
    static func vduseDevices() throws(SystemCallError) -> [VduseObservation] {
        try VduseSysfs.deviceNames().map { name throws(SystemCallError) in
            guard let bus = try VdpaNetlink.device(name: name) else { return VduseObservation(name: name, attached: false) }
            let disk = VduseSysfs.disk(of: name)
            let geometry = disk.flatMap(VduseSysfs.geometry)
            return VduseObservation(name: name, attached: true, queues: bus.virtqueues, depth: bus.maxVirtqueueSize,
                                    disk: disk.map { "/dev/\($0)" }, bytes: geometry?.bytes, blockSize: geometry?.blockSize)
        }
    }

    /// Whether process `pid` runs: it is in /proc and not a zombie (a
    /// server killed with -9 stays one until its parent waits, and a zombie
    /// serves nothing).
    static func processIsAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ") ", options: .backwards) else { return false }
        let state = stat[afterName.upperBound...].first
        return state != "Z" && state != "X"
    }
}
