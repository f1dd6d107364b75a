import Foundation
import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport
@testable import WeftEditor

/// less's marks in the pager: `m` and a letter, `'` and the letter, `''`, `'^`, `'$`, while
/// others add and remove lines above and below.
@Suite("Pager marks", .ownThread) struct PagerMarkTests {
    @Test("m marks the top line, ' brings it back to the top, '' goes back, '^ and '$ go to the ends")
    func marks() throws {
        var pager = try PagerFrameTests.pager()
        pager.press("2 0 G m a")
        #expect(pager.lines[0] == "line 20 tenth")
        pager.press("G")
        #expect(pager.lines[0] == "line 95")
        pager.press("' a")
        #expect(pager.lines[0] == "line 20 tenth")
        pager.press("' '")
        #expect(pager.lines[0] == "line 95", "'' goes back to where the jump started")
        pager.press("' ^")
        #expect(pager.lines[0] == "line 1")
        pager.press("' $")
        #expect(pager.lines[5] == "line 100 tenth")
        pager.press("' z")
        #expect(pager.lines[7].contains("mark z is not set"))
        pager.press("m 1")
        #expect(pager.lines[7].contains("letter"))
    }

    /// A line of the model: the text's lines are unique, so a mark is the line it names.
    struct Model {
        var lines: [String]
        var top = 0
        var marks: [Character: String] = [:]
        var back: String?
        let rows: Int

        var maxTop: Int { max(0, lines.count - rows) }
        mutating func show(_ line: Int) { top = min(max(0, line), maxTop) }
        mutating func jump(to line: Int) {
            back = lines[top]
            show(line)
        }
    }

    static let rounds = max(4, (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) / 10)

    @Test("random moves, marks and others' edits: the top line is always the model's", arguments: 0..<rounds)
    func againstAModel(round: Int) throws {
        let seed = 0x9A6E_0000 + UInt64(round)
        var random = SeededGenerator(seed: seed)
        var next = 0
        func fresh() -> String { next += 1; return "l\(next)" }
        let initial = (0..<40).map { _ in fresh() }
        var pager = try PagerFrameTests.pager(initial.joined(separator: "\n") + "\n", width: 30, height: 8)
        var model = Model(lines: initial, rows: 6)
        var remote = try Replica(snapshot: pager.editor.replica.encodeSnapshot(), replicaID: ReplicaID(2))
        var log: [String] = []
        for step in 0..<300 {
            let letter = "abc".randomElement(using: &random)!
            switch Int.random(in: 0..<12, using: &random) {
            case 0: pager.press("j"); model.show(model.top + 1); log.append("j")
            case 1: pager.press("k"); model.show(model.top - 1); log.append("k")
            case 2: pager.press("Space"); model.show(model.top + 6); log.append("Space")
            case 3: pager.press("g"); model.jump(to: 0); log.append("g")
            case 4: pager.press("G"); model.jump(to: model.lines.count - 1); log.append("G")
            case 5, 6:
                pager.press("m \(letter)")
                model.marks[letter] = model.lines[model.top]
                log.append("m\(letter)")
            case 7, 8:
                pager.press("' \(letter)")
                log.append("'\(letter)")
                if let name = model.marks[letter], let line = model.lines.firstIndex(of: name) { model.jump(to: line) }
            case 9:
                pager.press("' '")
                log.append("''")
                if let name = model.back, let line = model.lines.firstIndex(of: name) { model.jump(to: line) }
            case 10:
                // Someone adds a line anywhere.
                let line = Int.random(in: 0...model.lines.count, using: &random)
                let text = fresh()
                let offset = model.lines.prefix(line).reduce(0) { $0 + $1.unicodeScalars.count + 1 }
                let op = try remote.insert(text + "\n", at: offset)!
                try pager.editor.applyRemote([op])
                model.lines.insert(text, at: line)
                // The view keeps its top line where it is in the text.
                if line <= model.top, model.top + 1 < model.lines.count { model.top += 1 }
                model.top = min(model.top, model.maxTop)
                log.append("+\(text)@\(line)")
            default:
                // Someone removes a line that is not marked and not on top (a removed mark is
                // the editor's to resolve, not this model's).
                let kept = Set(model.marks.values).union([model.lines[model.top], model.back].compactMap { $0 })
                guard let line = model.lines.indices.filter({ !kept.contains(model.lines[$0]) }).randomElement(using: &random) else { continue }
                let offset = model.lines.prefix(line).reduce(0) { $0 + $1.unicodeScalars.count + 1 }
                let op = try remote.delete(offset..<(offset + model.lines[line].unicodeScalars.count + 1))!
                try pager.editor.applyRemote([op])
                log.append("-\(model.lines[line])")
                model.lines.remove(at: line)
                if line < model.top { model.top -= 1 }
                model.top = min(model.top, model.maxTop)
            }
            let shown = pager.lines[0]
            guard shown == model.lines[model.top] else {
                Issue.record("seed \(seed), step \(step): top line \(shown), the model's \(model.lines[model.top]); last keys \(log.suffix(8))")
                return
            }
        }
    }
}
