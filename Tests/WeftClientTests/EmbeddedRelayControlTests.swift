import Foundation
import Testing
import WeftTestSupport
import WeftClient

/// `weft relay status` and `weft relay stop` trust a pid file only as far as the process behind it
/// is a relay: pid files outlive reboots and pids get reused.
@Suite struct EmbeddedRelayControlTests {
    @Test func aPidFileNamingAnotherProgramIsNotARelayAndIsCleanedUpOnStop() throws {
        let data = TemporaryDirectory.path("relays")
        defer { try? FileManager.default.removeItem(at: data) }
        let environment = ["XDG_DATA_HOME": data.path, "HOME": data.path]
        let directory = EmbeddedRelay.root(environment: environment).appendingPathComponent("127.0.0.1-7999")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // This test process: alive, and not a `weft serve`.
        try Data("\(getpid())\n".utf8).write(to: EmbeddedRelay.pidFile(in: directory))

        let found = EmbeddedRelay.found(environment: environment)
        #expect(found.count == 1 && found.first?.pid == getpid() && found.first?.running == false)
        #expect(EmbeddedRelay.stop(try #require(found.first)) == false, "nothing was stopped")
        #expect(!FileManager.default.fileExists(atPath: EmbeddedRelay.pidFile(in: directory).path), "the stale pid file is gone")
        #expect(EmbeddedRelay.found(environment: environment).isEmpty)
    }
}
