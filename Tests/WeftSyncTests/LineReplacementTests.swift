import Testing
import WeftSync
import WeftTestSupport

/// `TextEdit.replacingLines` (what `weft restore` sends) against a model: a text
/// made of lines, some of them changed, removed or added; applied in order, the edits turn the
/// first text into the second byte for byte, and delete nothing of the lines both share.
@Suite struct LineReplacementTests {
    static let pieces: [String] = ["a", "b", " ", "é", "e\u{301}", "日", "👍🏽", "\r", "Ω", "x"]

    @Test(arguments: [1, 2, 0xBEEF] as [UInt64])
    func onlyTheLinesThatDifferChange(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        // Every line made is unique (it starts with its number, or is empty only once in a
        // while), so the lines both texts share are the only longest common run of lines, and
        // "nothing of them deleted" is something the edits must meet, not one diff among several.
        var made = 0
        func line() -> String {
            made += 1
            return "\(made)" + (0..<Int.random(in: 0...8, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
                + (Bool.random(using: &random) ? "\n" : "\r\n")
        }
        for step in 0..<600 {
            let shared = (0..<Int.random(in: 0...40, using: &random)).map { _ in line() }
            var old: [String] = [], new: [String] = []
            // Each shared line kept in both, or changed, removed or added around it.
            var changedScalars = 0
            for kept in shared {
                switch Int.random(in: 0..<8, using: &random) {
                case 0:
                    let removed = line()
                    old.append(removed)
                    changedScalars += removed.unicodeScalars.count
                case 1: new.append(line())
                case 2:
                    // A line one scalar different (é precomposed against decomposed included).
                    let changed = kept.replacingOccurrences(of: "é", with: "e\u{301}")
                    old.append(kept)
                    new.append(changed == kept ? "z" + kept : changed)
                    changedScalars += kept.unicodeScalars.count
                    continue
                default: break
                }
                old.append(kept)
                new.append(kept)
            }
            var current = old.joined(), wanted = new.joined()
            // A last line without its line feed is another line than the same with one: it may
            // be changed too.
            if Bool.random(using: &random), current.hasSuffix("\n") {
                current.removeLast()
                changedScalars += old.last.map { $0.unicodeScalars.count } ?? 0
            }
            if Bool.random(using: &random), wanted.hasSuffix("\n") {
                wanted.removeLast()
                changedScalars += old.last.map { $0.unicodeScalars.count } ?? 0
            }
            let edits = TextEdit.replacingLines(current, with: wanted)
            var scalars = Array(current.unicodeScalars)
            for edit in edits {
                #expect(edit.position >= 0 && edit.deleting >= 0 && edit.position + edit.deleting <= scalars.count, "seed \(seed) step \(step)")
                scalars.replaceSubrange(edit.position..<(edit.position + edit.deleting), with: Array(edit.inserting.unicodeScalars))
            }
            var result = String.UnicodeScalarView()
            result.append(contentsOf: scalars)
            #expect(Array(String(result).utf8) == Array(wanted.utf8), "seed \(seed) step \(step): \(current.debugDescription) → \(wanted.debugDescription)")
            #expect(edits.map(\.deleting).reduce(0, +) <= changedScalars, "seed \(seed) step \(step): shared lines were deleted and typed again: \(current.debugDescription) → \(wanted.debugDescription): \(edits)")
            #expect(edits.isEmpty == (Array(current.utf8) == Array(wanted.utf8)), "seed \(seed) step \(step)")
        }
    }

    @Test func moreChangedLinesThanTheLimitMakeOneSpan() {
        let current = (0..<50).map { "line \($0)\n" }.joined()
        let wanted = (0..<50).map { $0 % 2 == 0 ? "line \($0)\n" : "LINE \($0)\n" }.joined()
        #expect(TextEdit.replacingLines(current, with: wanted).count == 25)
        let capped = TextEdit.replacingLines(current, with: wanted, maxChangedLines: 10)
        #expect(capped == [TextEdit.replacing(current, with: wanted)!])
    }
}
