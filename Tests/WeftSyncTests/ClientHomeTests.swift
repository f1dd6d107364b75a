import Foundation
import Testing
import WeftTestSupport
@testable import WeftSync

/// Where a client keeps its files follows the environment as shells and other programs read it.
@Suite struct ClientHomeTests {
    @Test func homeComesFromTheEnvironmentFirst() {
        let home = ClientHome.fromEnvironment(["HOME": "/tmp/elsewhere"])
        #expect(home.data.path == "/tmp/elsewhere/.local/share/weft")
        #expect(home.config.path == "/tmp/elsewhere/.config/weft")
        let chosen = ClientHome.fromEnvironment(["HOME": "/tmp/elsewhere", "XDG_DATA_HOME": "/tmp/data", "WEFT_HOME": ""])
        #expect(chosen.data.path == "/tmp/data/weft")
        #expect(ClientHome.fromEnvironment(["HOME": "/tmp/elsewhere", "WEFT_HOME": "/tmp/w"]).data.path == "/tmp/w")
    }

    /// Files set aside in the same second get names of their own, readable and in time order.
    @Test func setAsideNamesNeverCollide() throws {
        let directory = TemporaryDirectory.path("stamp")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let moment = Date(timeIntervalSince1970: 1_796_221_805)
        var names: [String] = []
        for _ in 0..<3 {
            let url = FileStamp.unused(in: directory, prefix: "recovered-", suffix: ".txt", now: moment)
            #expect(FileManager.default.createFile(atPath: url.path, contents: Data()))
            names.append(url.lastPathComponent)
        }
        #expect(names == ["recovered-20261202T143005Z.txt", "recovered-20261202T143005Z-2.txt", "recovered-20261202T143005Z-3.txt"])
    }
}
