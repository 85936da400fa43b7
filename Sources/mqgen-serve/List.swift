import ArgumentParser
import DeviceList
import Foundation
import SystemCall

/// Every ublk and VDUSE device, ours or not, and what state each is in.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every ublk and VDUSE device: transport, path, id or name, driver, size, queues, backing file, server pid, state.",
        discussion: """
        States: live; dead-recoverable (`recover` will work); dead-needs-delete; quiescing (dead, \
        the kernel has not yet quiesced it for recovery); starting-or-stopping; unknown. \
        A device another program made is listed with driver not-ours. Records of devices that are gone are removed.
        """)

    @Flag(help: "An array of JSON objects, keys sorted.")
    var json = false

    func run() throws {
        let store = RecordStore.standard
        let listing: Listing
        // Records first: a server writes its record after adding the device
        // and removes it after deleting it, so every record read here whose
        // device the kernel then lacks is stale, not one of a device that
        // appeared in between.
        let records = store.records()
        do throws(SystemCallError) {
            try KernelView.requireSysfs()
            listing = Listing(ublk: try KernelView.ublkDevices(), vduse: try KernelView.vduseDevices(),
                              records: records, isAlive: KernelView.processIsAlive)
        } catch {
            throw Failure(message: error.description)
        }
        for record in listing.staleRecords {
            do { try store.removeStale(record) } catch { note("stale record: \(error)") }
        }
        FileHandle.standardOutput.write(Data((json ? listing.json : listing.text).utf8))
    }
}
