import Foundation
import Testing
import WeftCRDT
import WeftClient
import WeftSync
import WeftTestSupport

/// A background relay is started only where it cannot stand in for someone's own relay: an empty
/// relay in the place of one that is only stopped would tell every client it lost their documents.
@Suite struct BackgroundRelayStartTests {
    static func home(withCacheOf address: DocumentAddress, epoch: UInt64) throws -> ClientHome {
        let root = TemporaryDirectory.make("relay-start")
        let home = ClientHome(data: root.appendingPathComponent("data"), config: root.appendingPathComponent("config"))
        let directory = home.directory(for: address)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var replica = Replica(replicaID: ReplicaID(5))
        _ = try replica.insert("kept here", at: 0)
        try ReplicaCache(replica: ReplicaID(5), epoch: epoch, lastServerSeq: epoch == 0 ? 0 : 3, snapshot: replica.encodeSnapshot())
            .save(to: directory.appendingPathComponent(DocumentFiles.cacheName))
        return home
    }

    @Test func copiesSyncedWithAnotherRelayKeepTheBackgroundOneFromStarting() throws {
        let port = unusedLoopbackPort()
        let address = try DocumentAddress(parsing: "ws://127.0.0.1:\(port)/notes", defaultServer: DocumentAddress.builtInServer)
        let home = try Self.home(withCacheOf: address, epoch: 0xE90C)
        defer { try? FileManager.default.removeItem(at: home.data.deletingLastPathComponent()) }
        let other = try DocumentAddress(parsing: "ws://127.0.0.1:\(port)/plan", defaultServer: DocumentAddress.builtInServer)
        #expect(home.holdsCopies(from: other), "a copy of any document of that relay counts")

        // `plan` has no copy here, but `notes` came from the relay at that port: not started.
        #expect {
            try EmbeddedRelay.ensureRunning(for: other, home: home)
        } throws: { error in
            guard let error = error as? SyncError else { return false }
            return error.kind == .refused && error.description.contains("start that relay again")
        }
        #expect(!FileManager.default.fileExists(atPath: EmbeddedRelay.directory(host: "127.0.0.1", port: port).path))
    }

    @Test func onlyACopyThatSyncedCounts() throws {
        let address = try DocumentAddress(parsing: "ws://127.0.0.1:\(unusedLoopbackPort())/notes", defaultServer: DocumentAddress.builtInServer)
        let offline = try Self.home(withCacheOf: address, epoch: 0)
        defer { try? FileManager.default.removeItem(at: offline.data.deletingLastPathComponent()) }
        #expect(!offline.holdsCopies(from: address), "edited here and never synced")
        let elsewhere = try DocumentAddress(parsing: "ws://127.0.0.1:\(unusedLoopbackPort())/notes", defaultServer: DocumentAddress.builtInServer)
        let synced = try Self.home(withCacheOf: elsewhere, epoch: 7)
        defer { try? FileManager.default.removeItem(at: synced.data.deletingLastPathComponent()) }
        #expect(!synced.holdsCopies(from: address), "copies of another server do not count")
        #expect(synced.holdsCopies(from: elsewhere))
        #expect(ReplicaCache.epoch(at: synced.directory(for: elsewhere).appendingPathComponent(DocumentFiles.cacheName)) == 7)
    }
}
