import Testing
@testable import DeviceList

/// Which devices are ours, which records are stale, and what each line says.
@Suite struct ListingTests {
    static let alive: Set<Int32> = [100, 300]
    static func isAlive(_ pid: Int32) -> Bool { alive.contains(pid) }

    static func ublk(_ id: UInt32, state: UInt16 = 1, recovery: Bool = false, pid: Int32, disk: Bool = true) -> UblkObservation {
        UblkObservation(id: id, state: state, userRecovery: recovery, serverPID: pid, queues: 2, depth: 64,
                        bytes: 128 << 20, blockSize: 4096, hasDisk: disk)
    }

    static func listing(ublk: [UblkObservation] = [], vduse: [VduseObservation] = [], records: [DeviceRecord]) -> Listing {
        Listing(ublk: ublk, vduse: vduse, records: records, isAlive: isAlive)
    }

    @Test func ourLiveUblkDeviceHasItsRecordsDriverAndBackingFile() throws {
        let record = DeviceRecord.ublk(id: 3, driver: "file", backingFile: "/disk/a.img", serverPID: 100)
        let listing = Self.listing(ublk: [Self.ublk(3, pid: 100)], records: [record])
        let device = try #require(listing.devices.first)
        #expect(device == ListedDevice(transport: .ublk, path: "/dev/ublkb3", id: 3, name: nil, ours: true, driver: "file",
                                       backingFile: "/disk/a.img", bytes: 128 << 20, blockSize: 4096, queues: 2, depth: 64,
                                       serverPID: 100, state: .live))
        #expect(listing.staleRecords.isEmpty)
    }

    @Test func aKilledRecoverableServersDeviceIsRecoverableAndKeepsItsRecord() throws {
        let record = DeviceRecord.ublk(id: 1, driver: "ram", backingFile: nil, serverPID: 200)
        let listing = Self.listing(ublk: [Self.ublk(1, state: 2, recovery: true, pid: 200)], records: [record])
        let device = try #require(listing.devices.first)
        #expect(device.ours && device.driver == "ram" && device.state == .deadRecoverable)
        #expect(listing.staleRecords.isEmpty)
    }

    @Test func aStoppedDeviceOfADeadServerHasNoPathAndNeedsDelete() throws {
        let record = DeviceRecord.ublk(id: 0, driver: "ram", backingFile: nil, serverPID: 200)
        let device = try #require(Self.listing(ublk: [Self.ublk(0, state: 0, pid: 200, disk: false)], records: [record]).devices.first)
        #expect(device.path == nil && device.state == .deadNeedsDelete && device.ours)
    }

    @Test func aUblkDeviceWithNoRecordIsNotOursWithWhatTheKernelSays() throws {
        let device = try #require(Self.listing(ublk: [Self.ublk(7, pid: 300)], records: []).devices.first)
        #expect(!device.ours && device.driver == nil && device.backingFile == nil)
        #expect(device.state == .live && device.serverPID == 300 && device.queues == 2 && device.bytes == 128 << 20)
    }

    @Test func aRecordOfAnotherPidIsStaleAndTheDeviceNotOurs() throws {
        // Our device 4 went without its record; another server's device got number 4.
        let record = DeviceRecord.ublk(id: 4, driver: "file", backingFile: "/x", serverPID: 200)
        let listing = Self.listing(ublk: [Self.ublk(4, pid: 300)], records: [record])
        #expect(listing.devices.map(\.ours) == [false])
        #expect(listing.devices.first?.driver == nil)
        #expect(listing.staleRecords == [record])
    }

    @Test func recordsWhoseDeviceIsGoneAreStale() {
        let ublk = DeviceRecord.ublk(id: 9, driver: "null", backingFile: nil, serverPID: 100)
        let vduse = DeviceRecord.vduse(name: "gone", driver: "ram", backingFile: nil, serverPID: 100)
        let listing = Self.listing(ublk: [Self.ublk(1, pid: 100)], vduse: [VduseObservation(name: "here", attached: true)],
                                   records: [ublk, vduse])
        #expect(listing.devices.map(\.ours) == [false, false])
        #expect(listing.staleRecords == [ublk, vduse])
    }

    @Test func aRecordClaimsOnlyItsOwnTransport() {
        // A VDUSE device named "5" is not ublk device 5.
        let record = DeviceRecord.ublk(id: 5, driver: "null", backingFile: nil, serverPID: 100)
        let listing = Self.listing(vduse: [VduseObservation(name: "5", attached: true)], records: [record])
        #expect(listing.devices.map(\.ours) == [false])
        #expect(listing.staleRecords == [record])
    }

    @Test func ourVduseDeviceTakesItsPidFromTheRecord() throws {
        let live = DeviceRecord.vduse(name: "a", driver: "file", backingFile: "/disk/v.img", serverPID: 100)
        let killed = DeviceRecord.vduse(name: "b", driver: "ram", backingFile: nil, serverPID: 200)
        let listing = Self.listing(vduse: [
            VduseObservation(name: "b", attached: true, queues: 1, depth: 128, disk: "/dev/vdc", bytes: 1 << 30, blockSize: 512),
            VduseObservation(name: "a", attached: true, queues: 2, depth: 64, disk: "/dev/vdb", bytes: 1 << 20, blockSize: 4096),
        ], records: [killed, live])
        #expect(listing.devices.map(\.name) == ["a", "b"])
        #expect(listing.devices.map(\.state) == [.live, .deadNeedsDelete])
        #expect(listing.devices.map(\.serverPID) == [100, 200])
        #expect(listing.devices.map(\.backingFile) == ["/disk/v.img", nil])
        #expect(listing.devices.map(\.path) == ["/dev/vdb", "/dev/vdc"])
    }

    @Test func anotherProgramsVduseDeviceIsNotOursInAnUnknownState() throws {
        let device = try #require(Self.listing(vduse: [VduseObservation(name: "qsd", attached: true, disk: "/dev/vdb")],
                                               records: []).devices.first)
        #expect(!device.ours && device.serverPID == nil && device.state == .unknown && device.path == "/dev/vdb")
    }

    @Test func ublkDevicesComeFirstByNumberThenVduseByName() {
        let listing = Self.listing(ublk: [Self.ublk(10, pid: 1), Self.ublk(2, pid: 1)],
                                   vduse: [VduseObservation(name: "z", attached: false), VduseObservation(name: "m", attached: false)],
                                   records: [])
        #expect(listing.devices.map { $0.id.map(String.init) ?? $0.name! } == ["2", "10", "m", "z"])
    }

    /// 6.12 forgets the pid (-1) when it stops the device of a server that
    /// died: the record still says whose it was (seen in the ublk proof:
    /// a ram server killed with -9 was listed as not ours).
    @Test(arguments: [Int32(-1), 0])
    func aDeviceWhoseKernelPidIsGoneKeepsItsRecord(kernelPID: Int32) throws {
        let record = DeviceRecord.ublk(id: 2, driver: "ram", backingFile: nil, serverPID: 722)
        let listing = Self.listing(ublk: [Self.ublk(2, state: 0, pid: kernelPID)], records: [record])
        let device = try #require(listing.devices.first)
        #expect(device.ours && device.driver == "ram" && device.serverPID == 722)
        #expect(device.state == .deadNeedsDelete)
        #expect(listing.staleRecords.isEmpty)
    }

    @Test func aZeroPidIsNoServer() throws {
        // ADD_DEV without a pid, never started: nobody serves it.
        let device = try #require(Self.listing(ublk: [Self.ublk(0, state: 0, pid: 0, disk: false)], records: []).devices.first)
        #expect(device.serverPID == nil && device.state == .deadNeedsDelete)
    }
}
