import Foundation
import Testing
import WeftTestTraits
import WeftTestSupport
@testable import WeftEditor

/// Ctrl-V against a model: random lines, a block between two random corners, and `d`, `U`, `I`
/// or `A` on it, then undo; the text after each is the model's.
@Suite("Visual block against a model", .ownThread)
struct VisualBlockPropertyTests {
    static let rounds = max(50, (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) * 5)

    /// The model: lines as arrays of characters, the block's lines and columns.
    static func expected(_ lines: [[Character]], lines block: ClosedRange<Int>, columns: ClosedRange<Int>, operation: String, typed: String) -> [[Character]] {
        var lines = lines
        for line in block {
            var text = lines[line]
            switch operation {
            case "d", "U":
                guard columns.lowerBound < text.count else { continue }
                let part = columns.lowerBound..<min(text.count, columns.upperBound + 1)
                text.replaceSubrange(part, with: operation == "d" ? [] : Array(String(text[part]).uppercased()))
            case "I":
                // The first line takes the text where its line ends if short; the others are left.
                if text.count < columns.lowerBound, line != block.lowerBound { continue }
                text.insert(contentsOf: typed, at: min(columns.lowerBound, text.count))
            default:  // "A": short lines are filled with spaces up to the column
                let column = columns.upperBound + 1
                if text.count < column { text += Array(repeating: " ", count: column - text.count) }
                text.insert(contentsOf: typed, at: column)
            }
            lines[line] = text
        }
        return lines
    }

    @Test("d, U, I and A on random blocks leave the model's text, and undo takes each back")
    func againstAModel() throws {
        for round in 0..<Self.rounds {
            let seed = 0xB10C_0000 + UInt64(round)
            var random = SeededGenerator(seed: seed)
            let lines: [[Character]] = (0..<Int.random(in: 1...6, using: &random)).map { _ in
                (0..<Int.random(in: 0...8, using: &random)).map { _ in "abcxyz .".randomElement(using: &random)! }
            }
            let text = lines.map { String($0) }.joined(separator: "\n")
            func corner() -> (line: Int, column: Int) {
                let line = Int.random(in: 0..<lines.count, using: &random)
                return (line, Int.random(in: 0..<max(1, lines[line].count), using: &random))
            }
            let (from, to) = (corner(), corner())
            let operation = ["d", "U", "I", "A"].randomElement(using: &random)!
            let typed = String((0..<Int.random(in: 1...3, using: &random)).map { _ in "QR".randomElement(using: &random)! })
            var vim = try VimHarness("‸" + text)
            func offset(_ place: (line: Int, column: Int)) -> Int { lines[..<place.line].reduce(0) { $0 + $1.count + 1 } + place.column }
            vim.editor.moveCursor(to: offset(from))
            vim.type("<C-v>")
            vim.editor.moveCursor(to: offset(to))
            vim.type(operation == "I" || operation == "A" ? "\(operation)\(typed)<Esc>" : operation)
            let model = Self.expected(lines, lines: min(from.line, to.line)...max(from.line, to.line),
                                      columns: min(from.column, to.column)...max(from.column, to.column), operation: operation, typed: typed)
            let wanted = model.map { String($0) }.joined(separator: "\n")
            guard vim.editor.text == wanted else {
                Issue.record("seed \(seed): \(operation)\(typed) on \(text.debugDescription) from \(from) to \(to): \(vim.editor.text.debugDescription), the model's \(wanted.debugDescription)")
                return
            }
            vim.type("u")
            if vim.editor.text != text {
                Issue.record("seed \(seed): one undo after \(operation) left \(vim.editor.text.debugDescription), not \(text.debugDescription)")
                return
            }
        }
    }
}
