import Foundation
import Testing
import WeftTestSupport

/// A background relay started by an older weft (one upgraded since) makes way for the newer
/// weft's, with every document kept: an older relay may refuse what a newer weft's hellos say.
@Suite(.serialized) struct BackgroundRelayUpgradeTests {
    private static func relayPid(in xdg: URL, port: Int) throws -> Int32 {
        let file = xdg.appendingPathComponent("weft/relays/127.0.0.1-\(port)/relay.pid")
        return try #require(Int32(try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    private static func executable(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
    }

    @Test func aRelayOfAnOlderWeftIsRestartedByANewerOneAndKeepsItsDocuments() throws {
        let root = TemporaryDirectory.path("upgrade")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let xdg = root.appendingPathComponent("xdg")
        let port = unusedLoopbackPort()
        let environment = ["XDG_DATA_HOME": xdg.path, "WEFT_SERVER": "ws://127.0.0.1:\(port)"]
        // The same build, copied and dated back: to the check, an older weft.
        let older = root.appendingPathComponent("older-weft")
        try FileManager.default.copyItem(at: try BuiltProduct.url("weft"), to: older)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_600_000_000)], ofItemAtPath: older.path)
        let olderWeft = WeftRun(home: root.appendingPathComponent("ana"), environment: environment, executable: older)
        let newerWeft = WeftRun(home: root.appendingPathComponent("bo"), environment: environment)
        defer { _ = try? newerWeft(["relay", "stop"]) }

        // `weft ls` starts the background relay on the default server; `put` writes to it.
        #expect(try olderWeft(["ls"]).status == 0)
        let put = try olderWeft(["put", "notes"], input: "kept through the upgrade\n")
        #expect(put.status == 0, "\(put.stderr)")
        let first = try Self.relayPid(in: xdg, port: port)
        #expect(Self.executable(of: first) == older.path)

        let read = try newerWeft(["cat", "notes"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout == "kept through the upgrade\n")
        let second = try Self.relayPid(in: xdg, port: port)
        #expect(second != first)
        #expect(Self.executable(of: second) == (try BuiltProduct.url("weft")).resolvingSymlinksInPath().path)
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(first)/exe"), "the older relay is still running")
        let log = try String(contentsOf: xdg.appendingPathComponent("weft/relays/127.0.0.1-\(port)/relay.log"), encoding: .utf8)
        #expect(log.contains("ran an older weft"), "\(log)")

        // Neither the newer weft again nor the older one restarts the newer relay.
        #expect(try newerWeft(["cat", "notes"]).stdout == "kept through the upgrade\n")
        #expect(try olderWeft(["cat", "notes"]).stdout == "kept through the upgrade\n")
        #expect(try Self.relayPid(in: xdg, port: port) == second)
    }
}
