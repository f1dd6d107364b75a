import Foundation
import Testing
import WeftTestTraits
import WeftTestSupport
@testable import WeftEditor

/// The grammar against `VimReferenceModel`: seeded random commands (motions with counts, `d`,
/// `c`, `y` with motions or doubled, `x` `X` `D` `p` `P` `u` `.`) on random text, the text and
/// cursor compared after every one. `WEFT_FUZZ_ROUNDS` scales the run (default 4,800 steps).
@Suite("Vim grammar against a model", .ownThread)
struct VimPropertyTests {
    static let sessions = max(1, (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) / 5)
    static let steps = 200

    @Test("random commands leave the text and cursor the reference leaves", arguments: 0..<sessions)
    func session(_ number: Int) throws {
        var random = SeededGenerator(seed: 0x56_1000 + UInt64(number))
        let text = Self.randomText(&random)
        var model = VimReferenceModel(text: Array(text))
        var harness = try VimHarness("‸" + text)
        var log: [String] = []
        var states: [String] = []
        for step in 0..<Self.steps {
            states.append(Self.marked(model))
            let (keys, action) = Self.randomAction(&random)
            log.append(keys)
            model.apply(action)
            harness.type(keys)
            if action == .undo {
                // Where undo leaves the cursor is the editor's own choice: the model follows it.
                model.cursor = harness.editor.cursorPosition
                model.wanted = nil
            }
            let actual = harness.editor.text
            guard actual == String(model.text), harness.editor.cursorPosition == model.cursor, harness.editor.mode == "normal" else {
                Issue.record("""
                    seed \(random.seed), step \(step): \(keys.debugDescription) (\(action))
                    keys so far: \(log.suffix(8).joined(separator: " | "))
                    model before each: \(states.suffix(8).map(\.debugDescription).joined(separator: " | "))
                    editor: \(harness.marked.debugDescription) in \(harness.editor.mode)
                    model:  \(Self.marked(model).debugDescription)
                    registers: editor \(String(describing: harness.editor.clipboard)), model \(String(describing: model.register))
                    undo steps: editor \(harness.editor.undoHistory.undoStack.count), model \(model.history.count)
                    """)
                return
            }
        }
    }

    static func marked(_ model: VimReferenceModel) -> String {
        var text = model.text
        text.insert("‸", at: min(model.cursor, text.count))
        return String(text)
    }

    static func randomText(_ random: inout SeededGenerator) -> String {
        let pieces = ["foo", "ba_r", "x", "..", "a.b", " ", " ", "  ", "\n", "\n", "\n\n", "(q)", "Zy9"]
        return (0..<Int.random(in: 6...24, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    static func randomMotion(_ random: inout SeededGenerator, operator op: Bool) -> (String, VimReferenceModel.Motion) {
        let characters: [Character] = ["o", "a", ".", " ", "x", "q"]
        switch Int.random(in: 0..<16, using: &random) {
        case 0: return ("h", .left)
        case 1: return ("l", .right)
        case 2: return ("j", .down)
        case 3: return ("k", .up)
        case 4: return ("0", .lineStart)
        case 5: return ("^", .firstNonBlank)
        case 6: return ("$", .lineEnd)
        case 7: return ("w", .wordNext(big: false))
        case 8: return ("W", .wordNext(big: true))
        case 9: return ("b", .wordBack(big: false))
        case 10: return ("B", .wordBack(big: true))
        case 11: return ("e", .wordEnd(big: false))
        case 12: return ("E", .wordEnd(big: true))
        default:
            let character = characters.randomElement(using: &random)!
            let (key, forward, till): (String, Bool, Bool) = [("f", true, false), ("t", true, true), ("F", false, false), ("T", false, true)].randomElement(using: &random)!
            return (key + String(character), .find(character, forward: forward, till: till))
        }
    }

    static func randomAction(_ random: inout SeededGenerator) -> (String, VimReferenceModel.Action) {
        let count = Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 2...3, using: &random) : 1
        let prefix = count > 1 ? String(count) : ""
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<40:
            let (keys, motion) = randomMotion(&random, operator: false)
            if motion == .lineStart { return ("0", .move(motion, count: 1)) }
            return (prefix + keys, .move(motion, count: count))
        case 40..<62:
            let op: Character = ["d", "d", "c", "y"].randomElement(using: &random)!
            let (keys, motion) = randomMotion(&random, operator: true)
            let counted = motion == .lineStart ? "" : prefix
            let typed = op == "c" ? "Q<Esc>" : ""
            if op == "y", motion == .up || motion == .down { return ("yl", .operate("y", .right, count: 1)) }
            return (counted + String(op) + keys + typed, .operate(op, motion, count: motion == .lineStart ? 1 : count))
        case 62..<68:
            let op: Character = ["d", "c", "y"].randomElement(using: &random)!
            return (prefix + String(op) + String(op) + (op == "c" ? "Q<Esc>" : ""), .operate(op, nil, count: count))
        case 68..<75: return (prefix + "x", .x(count: count))
        case 75..<78: return (prefix + "X", .bigX(count: count))
        case 78..<81: return ("D", .bigD)
        case 81..<87: return ("p", .put(after: true))
        case 87..<90: return ("P", .put(after: false))
        case 90..<95: return ("u", .undo)
        default: return (".", .repeatChange)
        }
    }
}
