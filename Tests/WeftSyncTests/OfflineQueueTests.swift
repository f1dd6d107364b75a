import Foundation
import Testing
import WeftTestSupport
import WeftCRDT
@testable import WeftSync
import WeftWire

/// The offline queue keeps every batch it accepted through reopening, crashes and damage.
@Suite struct OfflineQueueTests {
    func batches(_ count: Int, replica: inout Replica) throws -> [[Op]] {
        try (0..<count).map { index in [try replica.insert("<\(index)>", at: replica.count)!] }
    }

    @Test func batchesSurviveReopeningUntilAcknowledged() throws {
        let directory = TemporaryDirectory.make("queue")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("q")
        var replica = Replica(replicaID: ReplicaID(7))
        let made = try batches(5, replica: &replica)
        do {
            let queue = try OfflineQueue(url: url, newReplica: ReplicaID(7))
            let queued = try queue.append(made)
            #expect(queued.map(\.clientSeq) == [1, 2, 3, 4, 5])
            try queue.acknowledge(through: 2)
        }
        let reopened = try OfflineQueue(url: url, newReplica: ReplicaID(99))
        #expect(reopened.replica == ReplicaID(7))
        #expect(reopened.pending.map(\.clientSeq) == [3, 4, 5])
        #expect(try reopened.pending.map { try OpCodec.decode($0.ops) } == Array(made[2...]))
        #expect(reopened.lastClientSeq == 5 && reopened.ackedThrough == 2 && reopened.damage == nil)
        // Numbering goes on after everything is acknowledged and the file rewritten.
        try reopened.acknowledge(through: 5)
        #expect(try reopened.append(batches(1, replica: &replica)).map(\.clientSeq) == [6])
    }

    /// A record that fails its checksum may be followed by accepted batches that are lost with
    /// it: that damage is not a mere truncation (the session gives its copy back for it).
    @Test func aCorruptRecordIsNotTakenForATruncation() throws {
        let directory = TemporaryDirectory.make("queue")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("q")
        var replica = Replica(replicaID: ReplicaID(7))
        try OfflineQueue(url: url, newReplica: ReplicaID(7)).append(batches(3, replica: &replica))
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[bytes.count - 3] ^= 0xFF
        try Data(bytes).write(to: url)
        let damaged = try OfflineQueue(url: url, newReplica: ReplicaID(7))
        #expect(damaged.pending.map(\.clientSeq) == [1, 2])
        #expect(damaged.damage?.truncated == false)
    }

    /// The window of batches to send is found by number, acknowledged ones excluded.
    @Test func batchesAreFoundByNumber() throws {
        let directory = TemporaryDirectory.make("queue")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var replica = Replica(replicaID: ReplicaID(7))
        let queue = try OfflineQueue(url: directory.appendingPathComponent("q"), newReplica: ReplicaID(7))
        try queue.append(batches(6, replica: &replica))
        try queue.acknowledge(through: 2)
        #expect(queue.batches(after: 0, through: 4).map(\.clientSeq) == [3, 4])
        #expect(queue.batches(after: 4, through: 99).map(\.clientSeq) == [5, 6])
        #expect(queue.batches(after: 6, through: 9).isEmpty)
    }

    /// An edit cut into several batches is read whole or not at all: a file that ends inside it
    /// (a crash while it was written) loses that edit, never a prefix of it, and keeps the rest.
    @Test func anEditCutShortIsLostWholeNeverInPart() throws {
        let directory = TemporaryDirectory.make("queue")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("q")
        var replica = Replica(replicaID: ReplicaID(7))
        let before = try batches(2, replica: &replica)
        let paste = [try #require(try replica.insert(String(repeating: "pasted text ", count: 400), at: replica.count))]
        do {
            let queue = try OfflineQueue(url: url, newReplica: ReplicaID(7))
            try queue.append(before)
            let pieces = try queue.append([paste], maxBatchBytes: 1_000)
            #expect(pieces.count > 3 && pieces.dropLast().allSatisfy(\.continues) && !pieces.last!.continues)
        }
        let whole = try Data(contentsOf: url)
        #expect(try OfflineQueue(url: url, newReplica: ReplicaID(7)).pending.count > 5, "whole, it reads whole")
        for cut in [40, 1_200, 2_500] {
            try whole.dropLast(cut).write(to: url)
            let torn = try OfflineQueue(url: url, newReplica: ReplicaID(7))
            #expect(torn.pending.map(\.clientSeq) == [1, 2], "cut \(cut) bytes short: \(torn.pending.map(\.clientSeq))")
            #expect(torn.lastClientSeq == 2)
            #expect(torn.damage?.reason.contains("cut short") == true, "\(String(describing: torn.damage))")
            #expect(torn.damage?.truncated == true, "a file that only ends early lost no accepted batch")
            // Numbering goes on from the last whole edit.
            #expect(try torn.append(batches(1, replica: &replica)).map(\.clientSeq) == [3])
        }
    }

    @Test func aTornOrCorruptedTailIsCutAndSavedAside() throws {
        let directory = TemporaryDirectory.make("queue")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("q")
        var replica = Replica(replicaID: ReplicaID(7))
        try OfflineQueue(url: url, newReplica: ReplicaID(7)).append(try batches(4, replica: &replica))
        let whole = try Data(contentsOf: url)

        // Torn: the last record loses its last 3 bytes (a crash mid-write).
        try whole.dropLast(3).write(to: url)
        let torn = try OfflineQueue(url: url, newReplica: ReplicaID(7))
        let damage = try #require(torn.damage)
        #expect(torn.pending.map(\.clientSeq) == [1, 2, 3])
        #expect(damage.reason.contains("cut short") && damage.droppedBytes > 0)
        #expect(FileManager.default.fileExists(atPath: damage.savedTo.path))
        #expect(damage.description.contains("kept the 3 whole batches"))

        // Corrupted: one flipped byte inside the second record; the first stays.
        var flipped = [UInt8](whole)
        let firstLength = Int(flipped[16]) | Int(flipped[17]) << 8
        flipped[16 + 8 + firstLength + 8 + 3] ^= 0x40
        try Data(flipped).write(to: url)
        let corrupted = try OfflineQueue(url: url, newReplica: ReplicaID(7))
        #expect(corrupted.pending.map(\.clientSeq) == [1])
        #expect(corrupted.damage?.reason.contains("checksum") == true)
        // Repaired on disk: opening again finds no damage, and appending continues from 2.
        let again = try OfflineQueue(url: url, newReplica: ReplicaID(7))
        #expect(again.damage == nil && again.pending.count == 1)
        #expect(try again.append(batches(1, replica: &replica)).map(\.clientSeq) == [2])
    }

    @Test func notAQueueIsRefusedAndLeftAlone() throws {
        let directory = TemporaryDirectory.make("queue")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("q")
        try Data("my notes".utf8).write(to: url)
        #expect(throws: SyncError.self) { try OfflineQueue(url: url, newReplica: ReplicaID(1)) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "my notes")
    }

    @Test func aSecondOpenerOfADocumentIsRefused() throws {
        let directory = TemporaryDirectory.make("lock")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try DocumentFiles(directory: directory)
        #expect(DocumentFiles.isLocked(directory))
        do {
            _ = try DocumentFiles(directory: directory)
            Issue.record("a second DocumentFiles opened a locked directory")
        } catch {
            #expect(error.kind == .locked && error.description.contains("pid \(getpid())"))
        }
        _ = first
    }

    @Test func theCacheRoundTripsAndRefusesDamage() throws {
        let directory = TemporaryDirectory.make("cache")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("c")
        var replica = Replica(replicaID: ReplicaID(3))
        _ = try replica.insert("cached text", at: 0)
        let receipt = Receipt(clientSeq: 4, serverSeq: 4, proof: Array(0..<16))
        let entry = LogPosition(replica: ReplicaID(8), clientSeq: 12)
        try ReplicaCache(replica: ReplicaID(3), epoch: 42, lastServerSeq: 17, snapshot: replica.encodeSnapshot(), queuedThrough: 5,
                         receipt: receipt, lastEntry: entry).save(to: url)
        let loaded = try #require(try ReplicaCache.load(from: url))
        #expect(loaded.epoch == 42 && loaded.lastServerSeq == 17 && loaded.replica == ReplicaID(3) && loaded.queuedThrough == 5)
        #expect(loaded.receipt == receipt && loaded.lastEntry == entry)
        try ReplicaCache(replica: ReplicaID(3), epoch: 42, lastServerSeq: 17, snapshot: replica.encodeSnapshot()).save(to: url)
        #expect(try ReplicaCache.load(from: url)?.receipt == nil && ReplicaCache.load(from: url)?.lastEntry == nil)
        #expect(try Replica(snapshot: loaded.snapshot, replicaID: ReplicaID(3)).text == "cached text")
        var bytes = [UInt8](try Data(contentsOf: url))
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: url)
        #expect(throws: SyncError.self) { try ReplicaCache.load(from: url) }
        #expect(try ReplicaCache.load(from: directory.appendingPathComponent("none")) == nil)
    }

    /// The start of a cache's text reads without the rest: from the first read, or from the
    /// whole file when a long history's spans fill more (a document typed backwards, one span
    /// per character); nothing for what is not a cache.
    @Test func theStartOfACachesTextReadsAlone() throws {
        let directory = TemporaryDirectory.make("cache")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("c")
        var short = Replica(replicaID: ReplicaID(3))
        _ = try short.insert("first line\nsecond 日本語 line\n", at: 0)
        try ReplicaCache(replica: ReplicaID(3), epoch: 42, lastServerSeq: 17, snapshot: short.encodeSnapshot(),
                         receipt: Receipt(clientSeq: 1, serverSeq: 1, proof: [1, 2])).save(to: url)
        #expect(ReplicaCache.textPreview(at: url, limit: 14)?.text == "first line\nsec")
        #expect(ReplicaCache.textPreview(at: url, limit: 26)?.text == "first line\nsecond 日本", "cut after a whole scalar")
        #expect(ReplicaCache.textPreview(at: url, limit: 1 << 20)?.totalBytes == short.text.utf8.count)

        var backwards = Replica(replicaID: ReplicaID(3))
        for index in 0..<3_000 { _ = try backwards.insert(index % 50 == 0 ? "\n" : "x", at: 0) }
        let snapshot = backwards.encodeSnapshot()
        try ReplicaCache(replica: ReplicaID(3), epoch: 42, lastServerSeq: 17, snapshot: snapshot).save(to: url)
        #expect(snapshot.count - backwards.text.utf8.count > 4096, "the spans alone pass the first read")
        #expect(ReplicaCache.textPreview(at: url, limit: 100, firstRead: 4096)?.text == String(backwards.text.prefix(100)))
        #expect(ReplicaCache.textPreview(at: url, limit: 100)?.text == String(backwards.text.prefix(100)))

        try Data("not a cache at all".utf8).write(to: url)
        #expect(ReplicaCache.textPreview(at: url, limit: 100) == nil)
        #expect(ReplicaCache.textPreview(at: directory.appendingPathComponent("none"), limit: 100) == nil)
    }

    /// Caches of earlier formats still load: the first did not say how far the queue it holds
    /// goes, neither it nor the second holds a receipt, and none of them the last batch applied.
    @Test(arguments: ["WEFTC001", "WEFTC002", "WEFTC003"]) func aCacheOfAnEarlierFormatStillLoads(format: String) throws {
        let directory = TemporaryDirectory.make("cache")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("c")
        var replica = Replica(replicaID: ReplicaID(3))
        _ = try replica.insert("old", at: 0)
        let snapshot = replica.encodeSnapshot()
        var writer = ByteWriter()
        writer.raw(Array(format.utf8))
        writer.uint64(3)
        writer.uint64(42)
        writer.varint(17)
        if format != "WEFTC001" { writer.varint(5) }
        if format == "WEFTC003" {
            writer.varint(0)  // no receipt
            writer.varint(0)
            writer.varint(0)
        }
        writer.varint(snapshot.count)
        writer.raw(snapshot)
        let checksum = CRC32C.checksum(writer.bytes)
        try Data(writer.bytes + (0..<4).map { UInt8(truncatingIfNeeded: checksum >> (8 * $0)) }).write(to: url)
        let loaded = try #require(try ReplicaCache.load(from: url))
        #expect(loaded.lastServerSeq == 17 && loaded.queuedThrough == (format == "WEFTC001" ? nil : 5) && loaded.receipt == nil && loaded.lastEntry == nil)
        #expect(ReplicaCache.epoch(at: url) == 42 && ReplicaCache.textPreview(at: url, limit: 10)?.text == "old")
        #expect(try Replica(snapshot: loaded.snapshot, replicaID: ReplicaID(3)).text == "old")
    }
}
