import Foundation
import Testing
import WeftCRDT
import WeftSync
import WeftTestSupport
import WeftWire

/// What `weft blame` prints (plain, `--porcelain`, `--chars`, `--chars --porcelain`), byte for
/// byte, against a reference built from nothing but the model's characters: per line, the newest
/// batch that inserted any of its characters (its line feed only when it has none), laid out with `String`s. The
/// histories are random and multi-author, with names wider than the author column, names of
/// several scalars per character, unknown authors and times, and text with tabs and backslashes.
@Suite struct BlameOutputTests {
    static let rounds = Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 60
    static let authors: [BatchAuthor?] = [
        BatchAuthor(name: "ana", verified: true), BatchAuthor(name: "bo", verified: false),
        BatchAuthor(name: "a-name-wider-than-the-column", verified: true), BatchAuthor(name: "zoë 👩‍💻", verified: false), nil,
    ]

    @Test func outputMatchesTheReference() throws {
        for round in 0..<Self.rounds {
            let seed = UInt64(round) &* 0x9E37_79B9_7F4A_7C15 &+ 29
            var random = SeededGenerator(seed: seed)
            let scripted = try BlameModelTests.randomHistory(seed: seed, batches: 30 + round, alphabet: Array("ab\n\n\t\\日é".unicodeScalars))
            // Authors and times as the relay might have recorded them, ops untouched.
            let entries = scripted.history.entries.map { entry in
                var entry = entry
                entry.author = Self.authors.randomElement(using: &random)!
                entry.committedAt = Bool.random(using: &random) ? nil : UInt64.random(in: 0...4_000_000_000_000, using: &random)
                return entry
            }
            let history = DocumentHistory(floor: 0, entries: entries)
            for seq in [entries.count / 2, entries.count] {
                var replay = try HistoryReplay(history)
                try replay.advance(through: UInt64(seq))
                let blame = Blame(replay)
                let reference = Reference(model: scripted.versions[seq], entries: entries)
                func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
                #expect(text(HistoryFormat.blame(blame)) == reference.blame(), "seed \(seed), at \(seq)")
                #expect(text(HistoryFormat.blamePorcelain(blame)) == reference.blamePorcelain(), "seed \(seed), at \(seq)")
                #expect(text(HistoryFormat.chars(blame, porcelain: false)) == reference.chars(porcelain: false), "seed \(seed), at \(seq)")
                #expect(text(HistoryFormat.chars(blame, porcelain: true)) == reference.chars(porcelain: true), "seed \(seed), at \(seq)")
                #expect(blame.lines.map(\.entry) == reference.lines.map(\.entry), "seed \(seed), at \(seq)")
                #expect(blame.lineCount == reference.lines.count)
            }
        }
    }

    @Test func emptyDocumentPrintsNothing() throws {
        var ana = Replica(replicaID: ReplicaID(0xA))
        let typed = try #require(try ana.insert("gone", at: 0))
        let erased = try #require(try ana.delete(0..<4))
        let author = BatchAuthor(name: "ana", verified: true)
        let history = DocumentHistory(floor: 0, entries: [
            HistoryEntry(serverSeq: 1, replica: ana.replicaID, clientSeq: 1, author: author, committedAt: nil, ops: OpCodec.encode([typed])),
            HistoryEntry(serverSeq: 2, replica: ana.replicaID, clientSeq: 2, author: author, committedAt: nil, ops: OpCodec.encode([erased])),
        ])
        var replay = try HistoryReplay(history)
        try replay.advance()
        let blame = Blame(replay)
        #expect(blame.lineCount == 0 && blame.spans.isEmpty)
        #expect(HistoryFormat.blame(blame).isEmpty && HistoryFormat.blamePorcelain(blame).isEmpty)
        #expect(HistoryFormat.chars(blame, porcelain: false).isEmpty && HistoryFormat.chars(blame, porcelain: true).isEmpty)
    }

    /// Blame the plain way: a `String` per line and per field, from the model's characters.
    struct Reference {
        struct Line { var text: String; var entry: HistoryEntry? }
        struct Span { var text: [Unicode.Scalar]; var range: Range<Int>; var entry: HistoryEntry? }

        var lines: [Line] = []
        var spans: [Span] = []

        init(model: [(scalar: Unicode.Scalar, seq: UInt64)], entries: [HistoryEntry]) {
            func entry(_ seq: UInt64) -> HistoryEntry? { seq == 0 ? nil : entries[Int(seq) - 1] }
            var text = "", newest: UInt64 = 0
            for (index, character) in model.enumerated() {
                // A line feed counts only for a line with no other character.
                if character.scalar != "\n" || text.isEmpty { newest = max(newest, character.seq) }
                if character.scalar == "\n" {
                    lines.append(Line(text: text, entry: entry(newest)))
                    text = ""
                    newest = 0
                } else {
                    text.unicodeScalars.append(character.scalar)
                    if index == model.count - 1 { lines.append(Line(text: text, entry: entry(newest))) }
                }
                // One span per author, named by the newest of its entries.
                let this = entry(character.seq)
                if let last = spans.last, last.entry?.author == this?.author {
                    spans[spans.count - 1].text.append(character.scalar)
                    spans[spans.count - 1].range = last.range.lowerBound..<index + 1
                    if character.seq > last.entry?.serverSeq ?? 0 { spans[spans.count - 1].entry = this }
                } else {
                    spans.append(Span(text: [character.scalar], range: index..<index + 1, entry: this))
                }
            }
        }

        func blame() -> String {
            let authorWidth = min(16, lines.map { HistoryFormat.author($0.entry?.author).count }.max() ?? 0)
            let seqWidth = String(lines.map { $0.entry?.serverSeq ?? 0 }.max() ?? 0).count
            let numberWidth = String(lines.count).count
            var output = ""
            for (index, line) in lines.enumerated() {
                let seq = line.entry.map { String($0.serverSeq) } ?? "-"
                output += pad(seq, seqWidth, right: true) + " (" + pad(HistoryFormat.author(line.entry?.author), authorWidth) + " "
                    + HistoryFormat.time(line.entry?.committedAt) + " " + pad(String(index + 1), numberWidth, right: true) + ") " + line.text + "\n"
            }
            return output
        }

        func blamePorcelain() -> String {
            lines.enumerated().map { index, line in
                "\(line.entry?.serverSeq ?? 0) \(index + 1)\n" + details(line.entry) + "\t" + line.text + "\n"
            }.joined()
        }

        func chars(porcelain: Bool) -> String {
            spans.map { span in
                var text = ""
                for scalar in span.text {
                    switch scalar {
                    case "\n": text += "\\n"
                    case "\\": text += "\\\\"
                    case "\t": text += "\\t"
                    default: text.unicodeScalars.append(scalar)
                    }
                }
                let seq = span.entry?.serverSeq ?? 0
                return porcelain
                    ? "\(span.range.lowerBound) \(span.range.upperBound) \(seq)\n" + details(span.entry) + "\t" + text + "\n"
                    : "\(span.range.lowerBound)-\(span.range.upperBound) \(seq) \(HistoryFormat.author(span.entry?.author)) \(HistoryFormat.time(span.entry?.committedAt)) \(text)\n"
            }.joined()
        }

        func details(_ entry: HistoryEntry?) -> String {
            var output = ""
            if let author = entry?.author { output += "author \(author.name)\nverified \(author.verified ? "yes" : "no")\n" }
            if let time = entry?.committedAt { output += "time \(time)\n" }
            return output
        }

        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return right ? fill + text : text + fill
        }
    }
}
