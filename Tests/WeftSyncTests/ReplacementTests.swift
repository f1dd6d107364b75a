import Testing
import WeftSync
import WeftTestSupport

/// `TextEdit.replacing` (what `weft put` sends) against its model: for random pairs
/// of texts that share beginnings and ends, often inside multi-byte characters, the edit turns
/// the first into the second, and keeps at least their common beginning and end.
@Suite struct ReplacementTests {
    static let alphabet: [String] = ["a", "b", "\n", "é", "è", "日", "本", "👍", "👍🏽", "\u{301}", "Ω"]

    @Test(arguments: [1, 2, 3, 0xD1FF] as [UInt64])
    func theEditTurnsOneTextIntoTheOther(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        func text(_ length: Int) -> String { (0..<length).map { _ in Self.alphabet.randomElement(using: &random)! }.joined() }
        for step in 0..<2_000 {
            let head = text(Int.random(in: 0...6, using: &random)), tail = text(Int.random(in: 0...6, using: &random))
            let current = head + text(Int.random(in: 0...4, using: &random)) + tail
            let wanted = head + text(Int.random(in: 0...4, using: &random)) + tail
            guard let edit = TextEdit.replacing(current, with: wanted) else {
                #expect(current == wanted, "seed \(seed) step \(step): no edit for different texts")
                continue
            }
            var scalars = Array(current.unicodeScalars)
            scalars.replaceSubrange(edit.position..<(edit.position + edit.deleting), with: Array(edit.inserting.unicodeScalars))
            var result = String.UnicodeScalarView()
            result.append(contentsOf: scalars)
            #expect(String(result) == wanted, "seed \(seed) step \(step): \(current.debugDescription) → \(wanted.debugDescription) gave \(String(result).debugDescription)")
            let commonHead = zip(current.unicodeScalars, wanted.unicodeScalars).prefix { $0 == $1 }.count
            #expect(edit.position >= min(commonHead, head.unicodeScalars.count), "seed \(seed) step \(step): a common beginning was resent")
            #expect(edit.deleting >= 0 && edit.position + edit.deleting <= current.unicodeScalars.count)
        }
    }

    @Test func equalTextsNeedNoEdit() {
        #expect(TextEdit.replacing("same 日本", with: "same 日本") == nil)
        #expect(TextEdit.replacing("", with: "") == nil)
        let edit = TextEdit.replacing("café", with: "cafè")
        #expect(edit?.position == 3 && edit?.deleting == 1 && edit?.inserting == "è")
    }
}
