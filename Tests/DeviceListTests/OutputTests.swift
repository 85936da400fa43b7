import Foundation
import Testing
@testable import DeviceList

@Suite struct OutputTests {
    static let listing = Listing(
        ublk: [UblkObservation(id: 0, state: 1, userRecovery: true, serverPID: 42, queues: 2, depth: 128,
                               bytes: 320 << 20, blockSize: 512, hasDisk: true)],
        vduse: [VduseObservation(name: "qsd0", attached: false)],
        records: [.ublk(id: 0, driver: "file", backingFile: "/disk/verify.img", serverPID: 42)],
        isAlive: { $0 == 42 })

    @Test func textHasAHeaderAndOneAlignedLinePerDevice() {
        let lines = Self.listing.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[1].split(separator: " ") == ["ublk", "/dev/ublkb0", "0", "file", "320M", "512", "2", "128", "/disk/verify.img", "42", "live"])
        #expect(lines[2].split(separator: " ") == ["vduse", "-", "qsd0", "not-ours", "-", "-", "-", "-", "-", "-", "unknown"])
        // Each column starts where its header does.
        for header in Listing.header {
            let column = lines[0].range(of: header)!.lowerBound.utf16Offset(in: lines[0])
            for line in lines.dropFirst() {
                let start = line.index(line.startIndex, offsetBy: column)
                #expect(column == 0 || line[line.index(before: start)] == " ", "\(header) in \(line)")
                #expect(line[start] != " ", "\(header) in \(line)")
            }
        }
    }

    @Test func jsonIsAnArrayOfObjectsWithSortedKeysAndNulls() throws {
        let text = Self.listing.json
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(objects.count == 2)
        let keys = ["backingFile", "blockSize", "bytes", "depth", "driver", "id", "name", "ours", "path", "queues", "serverPID", "state", "transport"]
        for object in objects { #expect(object.keys.sorted() == keys) }
        #expect(objects[0]["state"] as? String == "live")
        #expect(objects[0]["backingFile"] as? String == "/disk/verify.img")
        #expect(objects[1]["serverPID"] is NSNull)
        #expect(objects[1]["ours"] as? Bool == false)
        // Sorted in the text itself, not only after parsing.
        let order = keys.map { text.range(of: "\"\($0)\"")!.lowerBound }
        #expect(order == order.sorted())
    }

    @Test(arguments: [(UInt64(1) << 30, "1G"), (320 << 20, "320M"), (4096, "4K"), (1000, "1000"), (0, "0"), (3 << 40, "3T")])
    func sizesInTheLargestUnitThatDividesThem(bytes: UInt64, text: String) {
        #expect(ListedDevice.size(bytes) == text)
    }
}

extension OutputTests {
    @Test func noDevicesIsAnEmptyArrayAndAHeader() {
        let empty = Listing(ublk: [], vduse: [], records: [], isAlive: { _ in false })
        #expect(empty.json == "[]\n")
        #expect(empty.text.split(separator: "\n").count == 1)
    }
}
