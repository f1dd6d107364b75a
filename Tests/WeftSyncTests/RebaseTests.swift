import Testing
import WeftSync
import WeftTestSupport

/// `TextEdit.rebased(over:)` (how `weft share` moves a file's change onto a document
/// that changed meanwhile) against a model: each character of the common text carries a mark, and
/// the merge must keep every mark neither side deleted, in order, with each side's insertion
/// next to the marks it was typed beside; changes that touch the same characters are refused.
@Suite struct RebaseTests {
    typealias Edit = TextEdit

    /// A random edit of a text of `count` characters: an insertion, a deletion or a replacement.
    static func randomEdit(count: Int, tag: Character, using random: inout SeededGenerator) -> Edit {
        let start = Int.random(in: 0...count, using: &random)
        let deleting = Int.random(in: 0...2, using: &random) == 0 ? 0 : Int.random(in: 0...(count - start), using: &random)
        let inserting = String(repeating: tag, count: Int.random(in: deleting == 0 ? 1...3 : 0...3, using: &random))
        return Edit(position: start, deleting: deleting, inserting: inserting)
    }

    static func applying(_ edit: Edit, to text: [Character]) -> [Character] {
        var text = text
        text.replaceSubrange(edit.position..<(edit.position + edit.deleting), with: Array(edit.inserting))
        return text
    }

    @Test(arguments: [1, 2, 3, 0x5A4E] as [UInt64])
    func aRebasedChangeKeepsBothSidesOrIsRefusedWhenTheyTouch(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for step in 0..<5_000 {
            // Distinct characters for the common text, so where each went can be told.
            let base = Array("0123456789".prefix(Int.random(in: 0...10, using: &random)))
            let local = Self.randomEdit(count: base.count, tag: "L", using: &random)
            let remote = Self.randomEdit(count: base.count, tag: "R", using: &random)
            let localRange = local.position..<(local.position + local.deleting)
            let remoteRange = remote.position..<(remote.position + remote.deleting)
            let touch = localRange.overlaps(remoteRange)
                || (local.deleting == 0 && remoteRange.contains(local.position) && remote.position != local.position)
                || (remote.deleting == 0 && localRange.contains(remote.position) && local.position != remote.position)
            let context = "seed \(seed) step \(step): base \(String(base)) local \(local) remote \(remote)"
            guard let moved = local.rebased(over: remote) else {
                #expect(touch, "\(context): refused changes that do not touch")
                continue
            }
            #expect(!touch, "\(context): kept both of two changes to the same characters")
            let merged = Self.applying(moved, to: Self.applying(remote, to: base))
            // The model: the kept marks in order, each side's insertion in its place; at one place,
            // a pure insertion goes before text that replaces what follows, the file's first.
            var expected: [Character] = []
            for index in 0...base.count {
                let here = [local, remote].filter { $0.position == index }.sorted { ($0.deleting == 0 ? 0 : 1) < ($1.deleting == 0 ? 0 : 1) }
                for edit in here { expected += Array(edit.inserting) }
                if index < base.count, !localRange.contains(index), !remoteRange.contains(index) { expected.append(base[index]) }
            }
            #expect(merged == expected, "\(context): merged \(String(merged)), expected \(String(expected))")
        }
    }
}
