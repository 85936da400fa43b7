import Foundation
import Testing
@testable import DeviceList

@Suite struct RecordStoreTests {
    static func temporaryStore() -> RecordStore {
        RecordStore(directory: NSTemporaryDirectory() + "mqgen-records-\(UUID().uuidString)/run/mqgen")
    }

    @Test func aRecordIsWrittenReplacedAndRemoved() throws {
        let store = Self.temporaryStore()
        var record = DeviceRecord.ublk(id: 2, driver: "file", backingFile: "/disk/a.img", serverPID: 10)
        try store.write(record)
        #expect(store.records() == [record])
        record.serverPID = 11 // `recover` takes it over
        try store.write(record)
        #expect(store.records() == [record])
        let files = try FileManager.default.contentsOfDirectory(atPath: store.directory)
        #expect(files == ["ublk-2.json"], "no temporary file is left")
        try store.remove(record.key)
        #expect(store.records().isEmpty)
        try store.remove(record.key) // already gone is fine
    }

    @Test func theFileIsSmallSortedJSON() throws {
        let store = Self.temporaryStore()
        try store.write(.vduse(name: "v0", driver: "ram", backingFile: nil, serverPID: 7))
        let text = try String(contentsOfFile: store.directory + "/vduse-v0.json", encoding: .utf8)
        #expect(text == #"{"driver":"ram","name":"v0","serverPID":7,"transport":"vduse"}"# + "\n")
    }

    @Test func filesThatAreNotRecordsAreLeftAlone() throws {
        let store = Self.temporaryStore()
        try store.write(.ublk(id: 0, driver: "null", backingFile: nil, serverPID: 1))
        let inflight = store.directory + "/vduse-v0.inflight"
        let garbage = store.directory + "/other.json"
        try #require(FileManager.default.createFile(atPath: inflight, contents: Data([1, 2, 3])))
        try #require(FileManager.default.createFile(atPath: garbage, contents: Data("{".utf8)))
        #expect(store.records().map(\.key) == [.ublk(0)])
        #expect(FileManager.default.fileExists(atPath: inflight) && FileManager.default.fileExists(atPath: garbage))
    }
}

extension RecordStoreTests {
    @Test func aStaleRecordReplacedSinceItWasReadIsKept() throws {
        let store = Self.temporaryStore()
        let stale = DeviceRecord.ublk(id: 5, driver: "ram", backingFile: nil, serverPID: 10)
        let fresh = DeviceRecord.ublk(id: 5, driver: "file", backingFile: "/b.img", serverPID: 11)
        try store.write(fresh) // a new server of number 5, after `list` read the stale one
        try store.removeStale(stale)
        #expect(store.records() == [fresh])
        try store.removeStale(fresh)
        #expect(store.records().isEmpty)
    }
}
