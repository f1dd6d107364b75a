import Foundation
import Testing
import WeftCRDT
@testable import WeftServer
import WeftTestSupport
import WeftTestTraits
import WeftWire

/// Packed history reads back exactly as committed, whatever was typed, by whom and when, and a
/// damaged pack is refused in plain words instead of read as another history.
@Suite(.ownThread) struct HistoryPackTests {
    static let rounds = max(50, (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) * 3)

    /// Seeded histories of several people typing, backspacing, pasting and deleting ranges (ops as
    /// the replicas make them), with batches of several ops, batches written by other encoders,
    /// gaps in sequences and client sequences, unknown authors and times, clocks going back.
    @Test func packsReadBackExactlyAsCommitted() throws {
        var totalEntries = 0
        for round in 0..<Self.rounds {
            let seed = UInt64(round) &* 0x9E37_79B9 &+ 17
            var random = SeededGenerator(seed: seed)
            let entries = try Self.history(count: Int.random(in: 1...400, using: &random), using: &random)
            totalEntries += entries.count
            // Every prefix a compaction could have moved, and the whole, in packs of any size.
            for end in [1, entries.count / 2, entries.count] where end > 0 {
                let piece = Array(entries.prefix(end))
                let packs = HistoryPack.packs(of: piece)
                let read = try packs.flatMap { try HistoryPack.decode($0.bytes) }
                guard read == piece else {
                    let first = zip(read, piece).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(read.count, piece.count)
                    Issue.record("seed \(seed): \(piece.count) entries read back as \(read.count); first difference at entry \(first)")
                    return
                }
                #expect(packs.map(\.count).reduce(0, +) == piece.count, "seed \(seed)")
                #expect(packs.first?.firstSeq == piece.first?.serverSeq && packs.last?.lastSeq == piece.last?.serverSeq, "seed \(seed)")
                #expect(packs.last?.lastCommittedAt == piece.compactMap(\.committedAt).max() || packs.count > 1, "seed \(seed)")
            }
        }
        #expect(totalEntries > Self.rounds * 100)
    }

    /// Every byte of a pack flipped, and every length cut, is refused as damage (the deflated
    /// data carries a checksum, the header its length): never a crash, never other entries.
    @Test func damagedPacksAreRefused() throws {
        var random = SeededGenerator(seed: 7)
        let entries = try Self.history(count: 60, using: &random)
        let bytes = HistoryPack.encode(entries[...])
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= UInt8.random(in: 1...255, using: &random)
            #expect(throws: HistoryDamaged.self, "byte \(index) flipped") { try HistoryPack.decode(damaged) }
        }
        for length in 0..<bytes.count {
            #expect(throws: HistoryDamaged.self, "cut to \(length) bytes") { try HistoryPack.decode(Array(bytes.prefix(length))) }
        }
        let error = try #require(throws: HistoryDamaged.self) { try HistoryPack.decode([2] + bytes.dropFirst()) }
        #expect(error.description.contains("newer than this relay reads"))
        #expect(error.description.hasPrefix("a packed piece of the history cannot be read back ("))
    }

    /// Packs are cut at 4,096 entries and at about 1 MiB of op batches, a larger batch alone in
    /// its own, so reading one entry never unpacks more than that beside it.
    @Test func packsAreCutByCountAndBytes() throws {
        func entry(_ seq: Int, bytes: Int) -> HistoryEntry {
            HistoryEntry(serverSeq: UInt64(seq), replica: ReplicaID(1), clientSeq: UInt64(seq), author: nil, committedAt: nil,
                         ops: [UInt8](repeating: UInt8(seq % 200), count: bytes))
        }
        let big = (1...5).map { entry($0, bytes: 600 << 10) } + [entry(6, bytes: 3 << 20), entry(7, bytes: 10)]
        let packs = HistoryPack.packs(of: big)
        #expect(packs.map(\.count) == [1, 1, 1, 1, 1, 1, 1])
        #expect(try packs.flatMap { try HistoryPack.decode($0.bytes) } == big)
        let small = (1...9_000).map { entry($0, bytes: 3) }
        #expect(HistoryPack.packs(of: small).map(\.count) == [4_096, 4_096, 808])
        let mixed = (1...600).map { entry($0, bytes: 2_000) }
        #expect(HistoryPack.packs(of: mixed).map(\.count) == [524, 76], "1 MiB of 2,000-byte batches")
    }

    /// Typing packs to a couple of bytes a keystroke, where a row a batch cost about 57.
    @Test func typingPacksSmall() throws {
        var document = Replica(replicaID: ReplicaID(5))
        var entries: [HistoryEntry] = []
        let text = "The quick brown fox jumps over the lazy dog. "
        for (index, character) in String(repeating: text, count: 40).enumerated() {
            // A typo now and then, taken back at once.
            var ops = try [#require(try document.insert(String(character), at: document.count))]
            if index % 17 == 5 {
                ops = [try #require(try document.insert("x", at: document.count))]
                entries.append(Self.entry(entries.count + 1, replica: ReplicaID(5), ops: ops))
                ops = [try #require(try document.delete(document.count - 1..<document.count))]
                entries.append(Self.entry(entries.count + 1, replica: ReplicaID(5), ops: ops))
                ops = [try #require(try document.insert(String(character), at: document.count))]
            }
            entries.append(Self.entry(entries.count + 1, replica: ReplicaID(5), ops: ops))
        }
        let packed = HistoryPack.packs(of: entries).map(\.bytes.count).reduce(0, +)
        #expect(Double(packed) / Double(entries.count) < 2.5, "\(packed) bytes for \(entries.count) keystrokes")
        #expect(try HistoryPack.decode(HistoryPack.encode(entries[...])) == entries)
    }

    static func entry(_ seq: Int, replica: ReplicaID, ops: [Op]) -> HistoryEntry {
        HistoryEntry(serverSeq: UInt64(seq), replica: replica, clientSeq: UInt64(seq), author: BatchAuthor(name: "ana", verified: true),
                     committedAt: 1_700_000_000_000 + UInt64(seq) * 180, ops: OpCodec.encode(ops))
    }

    /// A history of `count` entries by up to four people editing one document in turn.
    static func history(count: Int, using random: inout SeededGenerator) throws -> [HistoryEntry] {
        let people = (0..<Int.random(in: 1...4, using: &random)).map { UInt64($0) &* 0x1_0000_0001 &+ 11 }
        var replicas = people.map { Replica(replicaID: ReplicaID($0)) }
        let authors: [BatchAuthor?] = [BatchAuthor(name: "ana", verified: true), BatchAuthor(name: "bo", verified: false),
                                       BatchAuthor(name: "日本", verified: true), nil]
        var clientSeqs = [UInt64](repeating: 0, count: people.count)
        var seq = UInt64.random(in: 0...1_000, using: &random)
        var time = UInt64.random(in: 0...2_000_000_000_000, using: &random)
        var entries: [HistoryEntry] = []
        let alphabet = Array("abc xyz\né日本語🙂")
        while entries.count < count {
            let who = Int.random(in: 0..<people.count, using: &random)
            var ops: [Op] = []
            for _ in 0..<(Int.random(in: 0..<8, using: &random) == 0 ? Int.random(in: 2...5, using: &random) : 1) {
                let length = replicas[who].count
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<5:  // typing at the end, or anywhere
                    let at = Bool.random(using: &random) ? length : Int.random(in: 0...length, using: &random)
                    ops += try replicas[who].insert(String(alphabet.randomElement(using: &random)!), at: at).map { [$0] } ?? []
                case 5..<7:  // backspace
                    if length > 0 { ops += try replicas[who].delete(length - 1..<length).map { [$0] } ?? [] }
                case 7:  // a paste
                    let text = String((0..<Int.random(in: 1...300, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
                    ops += try replicas[who].insert(text, at: Int.random(in: 0...length, using: &random)).map { [$0] } ?? []
                default:  // a range deleted
                    if length > 0 {
                        let start = Int.random(in: 0..<length, using: &random)
                        ops += try replicas[who].delete(start..<Int.random(in: start + 1...length, using: &random)).map { [$0] } ?? []
                    }
                }
            }
            if ops.isEmpty { continue }
            // Everyone sees everything (in turn), as the relay's order gives it.
            for other in replicas.indices where other != who { _ = try replicas[other].apply(ops) }
            seq += Int.random(in: 0..<20, using: &random) == 0 ? UInt64.random(in: 2...50, using: &random) : 1
            clientSeqs[who] += Int.random(in: 0..<20, using: &random) == 0 ? UInt64.random(in: 2...9, using: &random) : 1
            switch Int.random(in: 0..<20, using: &random) {
            case 0: time = time &- UInt64.random(in: 0...5_000, using: &random)  // another relay's clock, behind
            case 1: time += UInt64.random(in: 0...86_400_000, using: &random)
            default: time += UInt64.random(in: 0...900, using: &random)
            }
            var bytes = OpCodec.encode(ops)
            if Int.random(in: 0..<25, using: &random) == 0 {
                // What another encoder (or a test) may have committed: kept as it was.
                bytes = (0..<Int.random(in: 1...30, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            entries.append(HistoryEntry(serverSeq: seq, replica: ReplicaID(people[who]), clientSeq: clientSeqs[who],
                                        author: authors[who % authors.count], committedAt: Int.random(in: 0..<30, using: &random) == 0 ? nil : time,
                                        ops: bytes))
        }
        return entries
    }
}
