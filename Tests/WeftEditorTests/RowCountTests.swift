import Testing
import WeftCRDT
import WeftTestSupport
@testable import WeftEditor

/// The rows a line takes, counted without laying it out when it is plain ASCII, against its
/// layout: seeded documents of short, long, empty and mixed lines (tabs, wide characters,
/// controls, CR), at random widths with and without wrapping, after random edits.
@Suite("Row counts")
struct RowCountTests {
    static let pieces = ["a", "word ", "\t", "日本", "é", "\u{1}", "\r", String(repeating: "x", count: 97), "👍🏽", "\n", "\n"]

    @Test(arguments: [1, 2, 3, 20261206] as [UInt64])
    func countedRowsAreTheLayouts(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var replica = Replica(replicaID: ReplicaID(1))
        for step in 0..<300 {
            let piece = (0..<Int.random(in: 1...6, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
            if replica.count > 0, Int.random(in: 0..<4, using: &random) == 0 {
                let start = Int.random(in: 0..<replica.count, using: &random)
                try replica.delete(start..<min(replica.count, start + Int.random(in: 1...40, using: &random)))
            } else {
                try replica.insert(piece, at: Int.random(in: 0...replica.count, using: &random))
            }
            guard step % 10 == 0 else { continue }
            let wrap = Bool.random(using: &random)
            var editor = Editor(replica: replica, keymap: try Keymap.load("default", from: .keymaps(config: nil)),
                                settings: EditorSettings(wrap: wrap), status: StatusInfo(document: "doc"))
            editor.resize(width: Int.random(in: 2...120, using: &random), height: 10)
            for line in 0..<replica.lineCount {
                #expect(editor.rowCount(ofLine: line) == editor.layout(ofLine: line).rows.count,
                        "seed \(seed) step \(step): line \(line) \(replica.line(line).debugDescription) at width \(editor.textWidth), wrap \(wrap)")
            }
        }
    }
}
