import Foundation
import Testing
import WeftCRDT
import WeftSync
import WeftTestSupport
import WeftWire

/// Blame, log and past versions rebuilt from a history, against models that know nothing of ids:
/// random multi-user histories (each replica edits a copy that lags the relay's by a random
/// amount, so batches are concurrent), checked against a list of characters that each remember
/// the batch that typed them, kept in step from the relay's visible changes.
@Suite struct BlameModelTests {
    static let rounds = Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120
    static let users = ["ana", "bo", "cy"]

    struct Scripted {
        var history: DocumentHistory
        /// Per server sequence (index 0: the empty start), the text after it and each character's sequence.
        var versions: [[(scalar: Unicode.Scalar, seq: UInt64)]]
    }

    /// A random history of `batches` batches by three replicas, each with a user, typing scalars
    /// of `alphabet`.
    static func randomHistory(seed: UInt64, batches: Int, alphabet: [Unicode.Scalar] = Array("abc \n日é".unicodeScalars)) throws -> Scripted {
        var random = SeededGenerator(seed: seed)
        var relay = Replica(replicaID: ReplicaID(0))
        var copies = (1...3).map { Replica(replicaID: ReplicaID(UInt64($0))) }
        var applied = [0, 0, 0]  // how many entries each copy has applied
        var entries: [HistoryEntry] = []
        var model: [(scalar: Unicode.Scalar, seq: UInt64)] = []
        var versions = [model]
        for seq in UInt64(1)...UInt64(batches) {
            let who = Int.random(in: 0..<3, using: &random)
            // Catch up part of the way: the copy edits an older version of the document.
            let target = Int.random(in: applied[who]...entries.count, using: &random)
            for entry in entries[applied[who]..<target] { _ = try copies[who].apply(try OpCodec.decode(entry.ops)) }
            applied[who] = target
            var ops: [Op] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let count = copies[who].count
                if count > 0, Bool.random(using: &random) {
                    let start = Int.random(in: 0..<count, using: &random)
                    if let op = try copies[who].delete(start..<min(count, start + Int.random(in: 1...4, using: &random))) { ops.append(op) }
                } else {
                    let text = String(String.UnicodeScalarView((0..<Int.random(in: 1...5, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
                    if let op = try copies[who].insert(text, at: Int.random(in: 0...count, using: &random)) { ops.append(op) }
                }
            }
            guard !ops.isEmpty else { continue }
            // The copy's own batch is applied there already; the relay applies it now, an op at
            // a time, so each insertion's scalars can be read from the text right after it.
            for op in ops {
                for change in try relay.apply(op) {
                    switch change {
                    case .inserted(let position, let count):
                        let text = Array(relay.text.unicodeScalars)
                        model.insert(contentsOf: (position..<position + count).map { (text[$0], UInt64(entries.count + 1)) }, at: position)
                    case .deleted(let position, let count):
                        model.removeSubrange(position..<position + count)
                    }
                }
            }
            entries.append(HistoryEntry(serverSeq: UInt64(entries.count + 1), replica: copies[who].replicaID, clientSeq: seq,
                                        author: BatchAuthor(name: users[who], verified: who != 2), committedAt: 1_000 * seq, ops: OpCodec.encode(ops)))
            versions.append(model)
            #expect(String(String.UnicodeScalarView(model.map(\.scalar))) == relay.text)
        }
        return Scripted(history: DocumentHistory(floor: 0, entries: entries), versions: versions)
    }

    @Test func blameAndPastVersionsMatchTheModel() throws {
        for round in 0..<Self.rounds {
            let seed = UInt64(round) &* 0x9E37_79B9_7F4A_7C15 &+ 11
            let scripted = try Self.randomHistory(seed: seed, batches: 40)
            let entries = scripted.history.entries
            for seq in 0...entries.count {
                var replay = try HistoryReplay(scripted.history)
                try replay.advance(through: UInt64(seq))
                let model = scripted.versions[seq]
                #expect(replay.replica.text == String(String.UnicodeScalarView(model.map(\.scalar))), "seed \(seed), --at \(seq)")
                // Per character, the entry blame names is the one the model says typed it.
                let blame = Blame(replay)
                var perCharacter: [UInt64] = []
                for span in blame.spans { perCharacter += Array(repeating: span.entry?.serverSeq ?? 0, count: span.range.count) }
                #expect(perCharacter == model.map(\.seq), "seed \(seed), at \(seq)")
                // Per line, the newest of its characters' entries; its line feed's only when it
                // has no other character.
                var expectedLines: [UInt64] = []
                var newest: UInt64 = 0
                var empty = true
                for (index, character) in model.enumerated() {
                    if character.scalar != "\n" || empty { newest = max(newest, character.seq) }
                    empty = false
                    if character.scalar == "\n" || index == model.count - 1 { expectedLines.append(newest); newest = 0; empty = true }
                }
                #expect(blame.lines.map { $0.entry?.serverSeq ?? 0 } == expectedLines, "seed \(seed), at \(seq)")
                #expect(blame.lines.map(\.text).joined(separator: "\n") + (model.last?.scalar == "\n" ? "\n" : "") == replay.replica.text)
            }
        }
    }

    @Test func scriptedHistoryPrintsExactly() throws {
        // ana types two lines, bo a third, ana changes the second: made with real copies.
        var ana = Replica(replicaID: ReplicaID(0xA)), bo = Replica(replicaID: ReplicaID(0xB))
        let first = try #require(try ana.insert("one\ntwo\n", at: 0))
        _ = try bo.apply([first])
        let second = try #require(try bo.insert("three\n", at: 8))
        _ = try ana.apply([second])
        let third = [try #require(try ana.delete(4..<7)), try #require(try ana.insert("TWO", at: 4))]
        let anaUser = BatchAuthor(name: "ana", verified: true), boUser = BatchAuthor(name: "bo", verified: false)
        let history = DocumentHistory(floor: 0, entries: [
            HistoryEntry(serverSeq: 1, replica: ana.replicaID, clientSeq: 1, author: anaUser, committedAt: 1_764_684_180_000, ops: OpCodec.encode([first])),
            HistoryEntry(serverSeq: 2, replica: bo.replicaID, clientSeq: 1, author: boUser, committedAt: 1_764_684_240_000, ops: OpCodec.encode([second])),
            HistoryEntry(serverSeq: 3, replica: ana.replicaID, clientSeq: 2, author: anaUser, committedAt: 1_764_691_500_000, ops: OpCodec.encode(third)),
        ])
        var replay = try HistoryReplay(history)
        try replay.advance()
        let blame = Blame(replay)
        #expect(String(decoding: HistoryFormat.blame(blame), as: UTF8.self) == """
            1 (ana 2025-12-02 14:03Z 1) one
            3 (ana 2025-12-02 16:05Z 2) TWO
            2 (bo? 2025-12-02 14:04Z 3) three

            """)
        #expect(String(decoding: HistoryFormat.blamePorcelain(blame), as: UTF8.self) == """
            1 1
            author ana
            verified yes
            time 1764684180000
            \tone
            3 2
            author ana
            verified yes
            time 1764691500000
            \tTWO
            2 3
            author bo
            verified no
            time 1764684240000
            \tthree

            """)
        #expect(String(decoding: HistoryFormat.chars(blame, porcelain: false), as: UTF8.self) == """
            0-8 3 ana 2025-12-02 16:05Z one\\nTWO\\n
            8-14 2 bo? 2025-12-02 14:04Z three\\n

            """)
        // Two sessions for ana: more than 5 minutes passed between her batches.
        #expect(HistoryFormat.log(try EditSession.sessions(of: history.entries)) == """
            2025-12-02 16:05Z  ana  +3 -3  seq 3  "TWO"
            2025-12-02 14:04Z  bo?  +6 -0  seq 2  "three"
            2025-12-02 14:03Z  ana  +8 -0  seq 1  "one two"

            """)
        #expect(HistoryPoint(parsing: "2025-12-02T14:03:30Z")?.serverSeq(in: replay, nowMilliseconds: 0) == 1)
        #expect(HistoryPoint(parsing: "2025-12-02 16:00")?.serverSeq(in: replay, nowMilliseconds: 0) == 2)
        #expect(HistoryPoint(parsing: "2025-12-02")?.serverSeq(in: replay, nowMilliseconds: 0) == 0)
        #expect(HistoryPoint(parsing: "1h")?.serverSeq(in: replay, nowMilliseconds: 1_764_691_500_000 + 1_800_000) == 2)
        #expect(HistoryPoint(parsing: "2025-13-01") == nil && HistoryPoint(parsing: "soon") == nil)
    }

    /// What is not a point is refused in words that show what one looks like; a time more than a
    /// minute ahead of the clock is refused with the clock's time.
    @Test func pointsThatAreNoneOrAheadAreRefusedInWords() throws {
        #expect(HistoryPoint.refusal(of: "-5") == "-5 is not a point of the history: sequences count up from 1, and a while ago is written without a minus (5)")
        #expect(HistoryPoint.refusal(of: "-2h") == "-2h is not a point of the history: sequences count up from 1, and a while ago is written without a minus (2h)")
        #expect(HistoryPoint.refusal(of: "soon") == #""soon" is not a point of the history: give a sequence (120), a while ago (90s, 30m, 2h, 7d) or a UTC time (2026-12-02T14:03)"#)
        let now: UInt64 = 1_764_684_180_000  // 2025-12-02 14:03Z
        #expect(try #require(HistoryPoint(parsing: "2025-12-02T14:05")).futureRefusal(nowMilliseconds: now) == "2025-12-02 14:05Z is in the future: it is 2025-12-02 14:03Z now (times are UTC)")
        #expect(try #require(HistoryPoint(parsing: "2025-12-02T14:04")).futureRefusal(nowMilliseconds: now) == nil, "a minute's skew is allowed")
        #expect(try #require(HistoryPoint(parsing: "99999")).futureRefusal(nowMilliseconds: now) == nil)
        #expect(try #require(HistoryPoint(parsing: "2h")).futureRefusal(nowMilliseconds: now) == nil)
    }

    @Test func unifiedDiffsMatchDiff() {
        #expect(LineDiff.unified(old: "a\nb\n", new: "a\nb\n", oldName: "x", newName: "y") == "")
        // As GNU diff -u prints them: a last line without its feed, CRLF lines, a changed
        // normalization (the same characters to String, not the same bytes).
        #expect(LineDiff.unified(old: "a\nb", new: "a\nb\n", oldName: "x", newName: "y")
                == "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")
        #expect(LineDiff.unified(old: "x\ny", new: "x\nz", oldName: "x", newName: "y")
                == "--- x\n+++ y\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file\n")
        #expect(LineDiff.unified(old: "a\r\nb\r\n", new: "a\r\nc\r\n", oldName: "x", newName: "y")
                == "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n")
        #expect(LineDiff.unified(old: "caf\u{E9}\n", new: "cafe\u{301}\n", oldName: "x", newName: "y")
                == "--- x\n+++ y\n@@ -1 +1 @@\n-caf\u{E9}\n+cafe\u{301}\n")
        #expect(LineDiff.unified(old: "", new: "a\n", oldName: "x", newName: "y") == "--- x\n+++ y\n@@ -0,0 +1 @@\n+a\n")
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var lines = (1...20).map { "line \($0)" }
        lines[1] = "changed 2"
        lines.remove(at: 15)
        let new = lines.joined(separator: "\n") + "\n"
        #expect(LineDiff.unified(old: old, new: new, oldName: "x", newName: "y") == """
            --- x
            +++ y
            @@ -1,5 +1,5 @@
             line 1
            -line 2
            +changed 2
             line 3
             line 4
             line 5
            @@ -13,7 +13,6 @@
             line 13
             line 14
             line 15
            -line 16
             line 17
             line 18
             line 19

            """)
    }

    /// Any diff applied to its old text gives its new text byte for byte (line feeds, CRLF,
    /// normalizations and missing last feeds included), and is empty exactly when the two are
    /// the same bytes.
    @Test func unifiedDiffsApplyBackToTheNewText() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SeededGenerator(seed: seed)
        let pieces = ["a", "b", "c", "caf\u{E9}", "cafe\u{301}", "x\r", "", "\u{1F600}"]
        func text() -> String {
            let lines = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }
            return lines.joined(separator: "\n") + (Bool.random(using: &random) ? "\n" : "")
        }
        for round in 0..<400 {
            let old = text(), new = text()
            let diff = LineDiff.unified(old: old, new: new, oldName: "x", newName: "y", context: Int.random(in: 0...3, using: &random))
            #expect(diff.isEmpty == old.utf8.elementsEqual(new.utf8), "seed \(seed), round \(round)")
            let applied = try Self.apply(diff, to: old)
            #expect(applied.utf8.elementsEqual(new.utf8), "seed \(seed), round \(round): \(old.debugDescription) → \(new.debugDescription)\n\(diff)")
        }
    }

    /// Past a thousand changed lines the diff is anchored on lines found once in each text (its
    /// memory stays linear: the shortest-script search took 24 GB for 200,000 changed lines), and
    /// it still applies back: every other line of 20,000 changed, runs of repeated lines, random
    /// shuffles of numbered lines.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func bigDiffsApplyBackToTheNewText(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let numbered = (1...20_000).map { "\($0)\n" }
        let everyOther = numbered.enumerated().map { $0.offset % 2 == 1 ? "x" + $0.element : $0.element }
        var shuffled = (1...3_000).map { "line \($0 % 700)\n" }
        for _ in 0..<1_500 { shuffled.swapAt(Int.random(in: 0..<3_000, using: &random), Int.random(in: 0..<3_000, using: &random)) }
        let repeated = (0..<4_000).map { _ in ["a\n", "b\n", "\n"].randomElement(using: &random)! }
        for (old, new) in [(numbered, everyOther), ((1...3_000).map { "line \($0 % 700)\n" }, shuffled), (repeated, repeated.shuffled(using: &random))] {
            let (oldText, newText) = (old.joined(), new.joined())
            let diff = LineDiff.unified(old: oldText, new: newText, oldName: "x", newName: "y", context: Int.random(in: 0...3, using: &random))
            let applied = try Self.apply(diff, to: oldText)
            #expect(applied.utf8.elementsEqual(newText.utf8), "seed \(seed)")
        }
    }

    /// Applies a unified diff as `patch` does, hunk by hunk at its stated lines.
    static func apply(_ diff: String, to old: String) throws -> String {
        var oldLines: [String] = []
        var start = old.unicodeScalars.startIndex
        while start < old.unicodeScalars.endIndex {
            let end = old.unicodeScalars[start...].firstIndex(of: "\n").map { old.unicodeScalars.index(after: $0) } ?? old.unicodeScalars.endIndex
            oldLines.append(String(old.unicodeScalars[start..<end]))
            start = end
        }
        guard !diff.isEmpty else { return old }
        var diffLines = diff.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        diffLines.removeLast()  // after the last line feed
        var output: [String] = [], next = 0, index = 2
        while index < diffLines.count {
            let header = diffLines[index]
            guard header.hasPrefix("@@ -") else { throw PatchFailure(description: "not a hunk: \(header)") }
            let oldRange = header.dropFirst(4).prefix { $0 != " " }.split(separator: ",")
            let first = Int(oldRange[0])!, count = oldRange.count > 1 ? Int(oldRange[1])! : 1
            let hunkStart = count == 0 ? first : first - 1
            output += oldLines[next..<hunkStart]
            next = hunkStart
            index += 1
            while index < diffLines.count, !diffLines[index].hasPrefix("@@") {
                let line = diffLines[index]
                let noFeed = index + 1 < diffLines.count && diffLines[index + 1] == "\\ No newline at end of file"
                let content = String(line.unicodeScalars.dropFirst()) + (noFeed ? "" : "\n")
                switch line.unicodeScalars.first {
                case " ", "-":
                    guard next < oldLines.count, oldLines[next].utf8.elementsEqual(content.utf8) else {
                        throw PatchFailure(description: "line \(next + 1) is not \(content.debugDescription)")
                    }
                    if line.unicodeScalars.first == " " { output.append(content) }
                    next += 1
                case "+": output.append(content)
                default: throw PatchFailure(description: "not a hunk line: \(line.debugDescription)")
                }
                index += noFeed ? 2 : 1
            }
        }
        output += oldLines[next...]
        return output.joined()
    }
}

/// A diff that does not apply to its old text: the line it stopped at.
struct PatchFailure: Error, CustomStringConvertible {
    let description: String
}
