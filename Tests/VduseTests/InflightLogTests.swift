import Foundation
import SystemCall
import Testing
@testable import Vduse

/// The in-flight log must read back, in another mapping (as `delete` after
/// a kill -9 maps it), exactly what the queues wrote.
@Suite struct InflightLogTests {
    @Test func anotherMappingSeesWhatWasTaken() throws {
        let name = "test-\(getpid())"
        let written = try InflightLog(name: name, queues: 2, maxSize: 8)
        defer { try? written.remove() }
        written.queue(1).taken(3, lastAvail: 4)
        written.queue(1).taken(5, lastAvail: 5)
        written.queue(1).answered(5)
        written.queue(0).usedLogged = 9
        let read = try InflightLog(name: name)
        #expect(read.queues == 2 && read.maxSize == 8)
        #expect(read.queue(1).isTaken(3))
        #expect(!read.queue(1).isTaken(5))
        #expect(read.queue(1).lastAvail == 5)
        #expect(!read.queue(0).isTaken(3))
        #expect(read.queue(0).usedLogged == 9)
    }

    @Test func noLogIsAnError() {
        #expect(throws: SystemCallError.self) { try InflightLog(name: "absent-\(getpid())") }
    }
}
