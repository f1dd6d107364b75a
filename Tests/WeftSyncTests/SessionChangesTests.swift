import Foundation
import Testing
import WeftCRDT
@testable import WeftSync
import WeftTestSupport
import WeftWire

/// What one editing session changed, shown in place (the pager's time travel): checked on a
/// scripted history, then against a model that knows nothing of ids, on random histories of
/// three people whose copies lag the relay's (so batches are concurrent), with pauses that end
/// sessions, and insertions and deletions of every size.
@Suite struct SessionChangesTests {
    static let rounds = Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 60
    static let users = ["ana", "bo", "cy"]

    @Test func aScriptedSessionShowsItsInsertionsAndPutsItsDeletionsBack() throws {
        var ana = Replica(replicaID: ReplicaID(0xA)), bo = Replica(replicaID: ReplicaID(0xB))
        let first = try #require(try ana.insert("hello world\n", at: 0))
        _ = try bo.apply([first])
        let second = try #require(try bo.insert("bo 日本\n", at: 12))
        _ = try ana.apply([second])
        // Ana, ten minutes later: "world" becomes "there", and a typo typed and taken back.
        let third = [try #require(try ana.delete(6..<11)), try #require(try ana.insert("there", at: 6))]
        let typo = try #require(try ana.insert("x", at: 0))
        let fourth = [typo, try #require(try ana.delete(0..<1))]
        let anaUser = BatchAuthor(name: "ana", verified: true), boUser = BatchAuthor(name: "bo", verified: false)
        let minute: UInt64 = 60_000
        let history = DocumentHistory(floor: 0, entries: [
            HistoryEntry(serverSeq: 1, replica: ana.replicaID, clientSeq: 1, author: anaUser, committedAt: 100 * minute, ops: OpCodec.encode([first])),
            HistoryEntry(serverSeq: 2, replica: bo.replicaID, clientSeq: 1, author: boUser, committedAt: 101 * minute, ops: OpCodec.encode([second])),
            HistoryEntry(serverSeq: 3, replica: ana.replicaID, clientSeq: 2, author: anaUser, committedAt: 110 * minute, ops: OpCodec.encode(third)),
            HistoryEntry(serverSeq: 4, replica: ana.replicaID, clientSeq: 3, author: anaUser, committedAt: 111 * minute, ops: OpCodec.encode(fourth)),
        ])
        let sessions = try EditSession.sessions(of: history.entries)
        #expect(sessions.map(\.firstSeq) == [1, 2, 3] && sessions.map(\.lastSeq) == [1, 2, 4])

        let typed = try SessionChanges(of: sessions[0], in: history)
        #expect(typed.text == "hello world\n" && typed.inserted == [0..<12] && typed.deleted.isEmpty)
        let bos = try SessionChanges(of: sessions[1], in: history)
        #expect(bos.text == "hello world\nbo 日本\n" && bos.inserted == [12..<18] && bos.deleted.isEmpty)

        let changed = try SessionChanges(of: sessions[2], in: history)
        let scalars = Array(changed.text.unicodeScalars)
        func text(_ ranges: [Range<Int>]) -> String { ranges.map { String(String.UnicodeScalarView(scalars[$0])) }.joined(separator: "|") }
        #expect(text(changed.inserted) == "there" && text(changed.deleted) == "world", "the typo shows as neither")
        #expect(changed.text == "hello worldthere\nbo 日本\n", "what was replaced first, then what replaced it")

        // The version at each sequence names the session that made it.
        #expect((0...5).map { EditSession.index(at: UInt64($0), in: sessions) } == [0, 0, 1, 2, 2, 2])
        #expect(EditSession.index(at: 1, in: []) == nil)
        #expect(HistoryFormat.span(110 * minute, 111 * minute) == "1970-01-01 01:50–01:51Z")
        #expect(HistoryFormat.span(110 * minute, 110 * minute) == "1970-01-01 01:50Z")
        #expect(HistoryFormat.span(nil, nil) == "unknown")
    }

    @Test func idRangeSetsAnswerAsASetOfIDsWould() {
        for round in 0..<200 {
            var random = SeededGenerator(seed: UInt64(round) &+ 7)
            var set = IDRangeSet(), model = Set<CharID>()
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                let span = IDSpan(start: CharID(replica: ReplicaID(UInt64.random(in: 1...2, using: &random)), counter: UInt32.random(in: 0..<60, using: &random)),
                                  length: UInt32.random(in: 1...9, using: &random))
                set.insert(span)
                for offset in 0..<span.length { model.insert(CharID(replica: span.start.replica, counter: span.start.counter + offset)) }
            }
            let query = IDSpan(start: CharID(replica: ReplicaID(UInt64.random(in: 1...2, using: &random)), counter: UInt32.random(in: 0..<60, using: &random)),
                               length: UInt32.random(in: 1...30, using: &random))
            let parts = set.split(query)
            var answers: [Bool] = []
            for (part, inside) in parts { answers += Array(repeating: inside, count: Int(part.length)) }
            let expected = (0..<query.length).map { model.contains(CharID(replica: query.start.replica, counter: query.start.counter + $0)) }
            #expect(answers == expected, "seed \(UInt64(round) &+ 7)")
            #expect(zip(parts, parts.dropFirst()).allSatisfy { $0.inside != $1.inside }, "parts alternate, seed \(UInt64(round) &+ 7)")
        }
    }

    @Test func aLargePasteAndLargeDeletionsStayRuns() throws {
        var ana = Replica(replicaID: ReplicaID(0xA)), bo = Replica(replicaID: ReplicaID(0xB))
        let big = String(repeating: "0123456789\n", count: 50_000)
        let paste = try #require(try ana.insert(big, at: 0))
        _ = try bo.apply([paste])
        let cut = try #require(try bo.delete(100_000..<400_000))
        _ = try ana.apply([cut])
        let later = try #require(try ana.delete(0..<100_000))
        let user = { BatchAuthor(name: $0, verified: true) }
        let history = DocumentHistory(floor: 0, entries: [
            HistoryEntry(serverSeq: 1, replica: ana.replicaID, clientSeq: 1, author: user("ana"), committedAt: 0, ops: OpCodec.encode([paste])),
            HistoryEntry(serverSeq: 2, replica: bo.replicaID, clientSeq: 1, author: user("bo"), committedAt: 1_000, ops: OpCodec.encode([cut])),
            HistoryEntry(serverSeq: 3, replica: ana.replicaID, clientSeq: 2, author: user("ana"), committedAt: 3_600_000, ops: OpCodec.encode([later])),
        ])
        let sessions = try EditSession.sessions(of: history.entries)
        let bos = try SessionChanges(of: sessions[1], in: history)
        #expect(bos.deleted == [100_000..<400_000] && bos.inserted.isEmpty && bos.text.unicodeScalars.count == 550_000)
        let anas = try SessionChanges(of: sessions[2], in: history)
        #expect(anas.deleted == [0..<100_000] && anas.inserted.isEmpty && anas.text.unicodeScalars.count == 250_000)
        let first = try SessionChanges(of: sessions[0], in: history)
        #expect(first.inserted == [0..<550_000])
    }

    @Test func aHistoryThatStartsLateIsRefusedInWords() throws {
        let entry = HistoryEntry(serverSeq: 5, replica: ReplicaID(1), clientSeq: 1, author: nil, committedAt: nil, ops: OpCodec.encode([]))
        let session = try #require(try EditSession.sessions(of: [entry]).first)
        #expect(throws: HistoryError.self) { try SessionChanges(of: session, in: DocumentHistory(floor: 4, entries: [entry])) }
    }

    /// A random history, and per sequence the model: the text after it, each character with the
    /// sequence that typed it, and what each sequence took out of the text.
    struct Scripted {
        var history: DocumentHistory
        var versions: [[(scalar: Unicode.Scalar, seq: UInt64)]] = []
        var removed: [[(scalar: Unicode.Scalar, seq: UInt64)]] = []
    }

    static func randomHistory(_ random: inout SeededGenerator, batches: Int, check: (Scripted) throws -> Void) throws -> Scripted {
        var relay = Replica(replicaID: ReplicaID(0))
        var copies = (1...3).map { Replica(replicaID: ReplicaID(UInt64($0))) }
        var applied = [0, 0, 0]
        var scripted = Scripted(history: DocumentHistory(floor: 0, entries: []), versions: [[]], removed: [[]])
        var model: [(scalar: Unicode.Scalar, seq: UInt64)] = []
        let alphabet = Array("ab \n日é😀".unicodeScalars)
        var time: UInt64 = 1_764_684_180_000
        for _ in 0..<batches {
            let who = Int.random(in: 0..<3, using: &random)
            let target = Int.random(in: applied[who]...scripted.history.entries.count, using: &random)
            for entry in scripted.history.entries[applied[who]..<target] { _ = try copies[who].apply(try OpCodec.decode(entry.ops)) }
            applied[who] = target
            var ops: [Op] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let count = copies[who].count
                // Sizes: mostly a few characters, sometimes many, sometimes everything.
                let size = Int.random(in: 0..<10, using: &random) == 0 ? Int.random(in: 1...300, using: &random) : Int.random(in: 1...4, using: &random)
                if count > 0, Bool.random(using: &random) {
                    let start = Int.random(in: 0..<count, using: &random)
                    let end = Int.random(in: 0..<20, using: &random) == 0 ? count : min(count, start + size)
                    if let op = try copies[who].delete(start..<end) { ops.append(op) }
                } else {
                    let text = String(String.UnicodeScalarView((0..<size).map { _ in alphabet.randomElement(using: &random)! }))
                    if let op = try copies[who].insert(text, at: Int.random(in: 0...count, using: &random)) { ops.append(op) }
                }
            }
            guard !ops.isEmpty else { continue }
            let seq = UInt64(scripted.history.entries.count + 1)
            var removed: [(scalar: Unicode.Scalar, seq: UInt64)] = []
            for op in ops {
                for change in try relay.apply(op) {
                    switch change {
                    case .inserted(let position, let count):
                        let text = Array(relay.text.unicodeScalars)
                        model.insert(contentsOf: (position..<position + count).map { (text[$0], seq) }, at: position)
                    case .deleted(let position, let count):
                        removed += model[position..<position + count]
                        model.removeSubrange(position..<position + count)
                    }
                }
            }
            // Mostly moments apart; sometimes a pause that ends a session.
            time += Int.random(in: 0..<5, using: &random) == 0 ? UInt64.random(in: 300_001...3_600_000, using: &random) : UInt64.random(in: 0...120_000, using: &random)
            scripted.history.entries.append(HistoryEntry(serverSeq: seq, replica: copies[who].replicaID, clientSeq: seq,
                                                         author: BatchAuthor(name: users[who], verified: true), committedAt: time, ops: OpCodec.encode(ops)))
            scripted.versions.append(model)
            scripted.removed.append(removed)
            try check(scripted)
        }
        return scripted
    }

    /// Checks session `session` of `scripted` against the model.
    static func checkSession(_ session: EditSession, of scripted: Scripted, seed: UInt64) throws {
        let changes = try SessionChanges(of: session, in: scripted.history)
        let entries = scripted.history.entries
        let mine = Set(entries.filter { $0.serverSeq >= session.firstSeq && $0.serverSeq <= session.lastSeq && $0.author == session.author }.map(\.serverSeq))
        let scalars = Array(changes.text.unicodeScalars)
        func sortedApart(_ ranges: [Range<Int>]) -> Bool {
            zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound } && ranges.allSatisfy { !$0.isEmpty && $0.upperBound <= scalars.count }
        }
        #expect(sortedApart(changes.inserted) && sortedApart(changes.deleted), "seed \(seed), session \(session.firstSeq)–\(session.lastSeq)")
        var kind = Array(repeating: 0, count: scalars.count)  // 0 plain, 1 inserted, 2 deleted
        for range in changes.inserted { for position in range { kind[position] += 1 } }
        for range in changes.deleted { for position in range { kind[position] += 2 } }
        #expect(!kind.contains(3), "seed \(seed): a character both inserted and deleted")
        // Less what is shown deleted, the text is the document at the session's last batch …
        let model = scripted.versions[Int(session.lastSeq)]
        let kept = scalars.indices.filter { kind[$0] != 2 }
        #expect(String(String.UnicodeScalarView(kept.map { scalars[$0] })) == String(String.UnicodeScalarView(model.map(\.scalar))),
                "seed \(seed), session \(session.firstSeq)–\(session.lastSeq): the text less the deletions")
        // … whose characters the session typed, and only those, are marked inserted …
        if kept.count == model.count {
            #expect(kept.map { kind[$0] == 1 } == model.map { mine.contains($0.seq) }, "seed \(seed), session \(session.firstSeq)–\(session.lastSeq): insertions")
        }
        // … and what is shown deleted is what the session's batches took out, less what it had typed.
        let expected = mine.sorted().flatMap { scripted.removed[Int($0)] }.filter { !mine.contains($0.seq) }.map(\.scalar)
        let shown = scalars.indices.filter { kind[$0] == 2 }.map { scalars[$0] }
        #expect(shown.map(\.value).sorted() == expected.map(\.value).sorted(), "seed \(seed), session \(session.firstSeq)–\(session.lastSeq): deletions")
    }

    @Test func sessionChangesMatchTheModelAfterEveryBatch() throws {
        for round in 0..<Self.rounds {
            let seed = UInt64(round) &* 0x9E37_79B9_7F4A_7C15 &+ 29
            var random = SeededGenerator(seed: seed)
            do {
            // After every batch, the session it belongs to; at the end, every session.
            let scripted = try Self.randomHistory(&random, batches: 50) { scripted in
                let newest = UInt64(scripted.history.entries.count)
                for session in try EditSession.sessions(of: scripted.history.entries) where session.lastSeq == newest {
                    try Self.checkSession(session, of: scripted, seed: seed)
                }
            }
            for session in try EditSession.sessions(of: scripted.history.entries) { try Self.checkSession(session, of: scripted, seed: seed) }
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }
}

extension SessionChangesTests {
    /// A copy given back to a relay that lost history is the whole document again: its session
    /// counts only what was not there (the rest repeats what others typed), and characters given
    /// back already deleted count as neither inserted nor deleted.
    @Test func aCopyGivenBackCountsOnlyWhatWasNotThere() throws {
        var ana = Replica(replicaID: ReplicaID(0xA))
        let first = try #require(try ana.insert("hello world\n", at: 0))
        let second = try #require(try ana.delete(0..<6))
        var copy = ana
        _ = try #require(try copy.insert("lost line\n", at: copy.count))
        let given = try Replica(snapshot: copy.encodeSnapshot(), replicaID: ReplicaID(0xC)).restorationOps()
        let anaUser = BatchAuthor(name: "ana", verified: true), cyUser = BatchAuthor(name: "cy", verified: true)
        let entries = [
            HistoryEntry(serverSeq: 1, replica: ana.replicaID, clientSeq: 1, author: anaUser, committedAt: 1_000, ops: OpCodec.encode([first])),
            HistoryEntry(serverSeq: 2, replica: ana.replicaID, clientSeq: 2, author: anaUser, committedAt: 2_000, ops: OpCodec.encode([second])),
            HistoryEntry(serverSeq: 3, replica: ReplicaID(0xC), clientSeq: 1, author: cyUser, committedAt: 3_000, ops: OpCodec.encode(given)),
        ]
        let sessions = try EditSession.sessions(of: entries)
        #expect(sessions.count == 2)
        #expect(sessions[0].inserted == 12 && sessions[0].deleted == 6, "\(sessions[0])")
        #expect(sessions[1].inserted == 10 && sessions[1].deleted == 0, "only the lost line is new: \(sessions[1])")

        // The same copy given back to a relay that lost everything: the deleted "hello " comes
        // back as placeholder characters, deleted at once, which count as nothing.
        let fresh = try EditSession.sessions(of: [HistoryEntry(serverSeq: 1, replica: ReplicaID(0xC), clientSeq: 1, author: cyUser,
                                                               committedAt: 1_000, ops: OpCodec.encode(given))])
        #expect(fresh.count == 1 && fresh[0].inserted == 16 && fresh[0].deleted == 0, "\(fresh)")
    }
}
