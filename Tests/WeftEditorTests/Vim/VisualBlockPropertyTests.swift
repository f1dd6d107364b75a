import Foundation
import Testing
import WeftTestTraits
import WeftTestSupport
@testable import WeftEditor

/// Ctrl-V against a model: random lines, a block between two random corners (or reaching every
/// line's end, with `$`), and `d`, `U`, `I` or `A` on it, or a yank pasted as a block with `p` or
/// `P` somewhere else, then undo; the text after each is the model's.
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
                let part = columns.lowerBound..<(columns.upperBound == Int.max ? text.count : min(text.count, columns.upperBound + 1))
                text.replaceSubrange(part, with: operation == "d" ? [] : Array(String(text[part]).uppercased()))
            case "I":
                // The first line takes the text where its line ends if short; the others are left.
                if text.count < columns.lowerBound, line != block.lowerBound { continue }
                text.insert(contentsOf: typed, at: min(columns.lowerBound, text.count))
            case "A" where columns.upperBound == Int.max:
                text += Array(typed)  // at each line's end, nothing filled
            default:  // "A": short lines are filled with spaces up to the column
                let column = columns.upperBound + 1
                if text.count < column { text += Array(repeating: " ", count: column - text.count) }
                text.insert(contentsOf: typed, at: column)
            }
            lines[line] = text
        }
        return lines
    }

    /// The model of pasting `block` (its lines' parts) as a block at `cursor`, after its
    /// character with `after`.
    static func pasted(_ lines: [[Character]], block single: [[Character]], at cursor: (line: Int, column: Int), after: Bool, times: Int) -> [[Character]] {
        var lines = lines
        // A count puts each piece that many times side by side, each but the last filled to the width.
        let singleWidth = single.map(\.count).max() ?? 0
        let block = single.map { piece in
            Array(repeating: piece + Array(repeating: " ", count: singleWidth - piece.count), count: times - 1).flatMap { $0 } + piece
        }
        let width = singleWidth * times
        let column = after && !lines[cursor.line].isEmpty ? cursor.column + 1 : cursor.column
        for (index, piece) in block.enumerated() {
            let line = cursor.line + index
            if line >= lines.count {
                lines.append(Array(repeating: " ", count: column) + piece)
                continue
            }
            var text = lines[line]
            if text.count < column {
                if !piece.isEmpty { text += Array(repeating: " ", count: column - text.count) + piece }
            } else {
                let follows = column < text.count
                text.insert(contentsOf: follows ? piece + Array(repeating: " ", count: width - piece.count) : piece, at: column)
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
            var lines: [[Character]] = (0..<Int.random(in: 1...6, using: &random)).map { _ in
                (0..<Int.random(in: 0...8, using: &random)).map { _ in "abcxyz .".randomElement(using: &random)! }
            }
            // A last line ending in a line feed is a line that ends there (as in vim), not one more.
            if lines.last!.isEmpty { lines[lines.count - 1] = ["z"] }
            let text = lines.map { String($0) }.joined(separator: "\n")
            func corner() -> (line: Int, column: Int) {
                let line = Int.random(in: 0..<lines.count, using: &random)
                return (line, Int.random(in: 0..<max(1, lines[line].count), using: &random))
            }
            let (from, to) = (corner(), corner())
            let operation = ["d", "U", "I", "A", "p", "P"].randomElement(using: &random)!
            let toLineEnds = operation != "I" && Bool.random(using: &random)
            let target = corner()
            let times = Int.random(in: 1...3, using: &random)
            let typed = String((0..<Int.random(in: 1...3, using: &random)).map { _ in "QR".randomElement(using: &random)! })
            var vim = try VimHarness("‸" + text)
            func offset(_ place: (line: Int, column: Int)) -> Int { lines[..<place.line].reduce(0) { $0 + $1.count + 1 } + place.column }
            vim.editor.moveCursor(to: offset(from))
            vim.type("<C-v>")
            vim.editor.moveCursor(to: offset(to))
            if toLineEnds { vim.type("$") }
            let toColumn = toLineEnds ? max(0, lines[to.line].count - 1) : to.column
            let (blockLines, columns) = (min(from.line, to.line)...max(from.line, to.line),
                                         min(from.column, toColumn)...(toLineEnds ? Int.max : max(from.column, toColumn)))
            let model: [[Character]]
            switch operation {
            case "p", "P":
                vim.type("y")
                vim.editor.moveCursor(to: offset(target))
                vim.type(times == 1 ? operation : "\(times)\(operation)")
                let block = blockLines.map { line in
                    let text = lines[line]
                    return columns.lowerBound < text.count ? Array(text[columns.lowerBound..<min(text.count, columns.upperBound == Int.max ? text.count : columns.upperBound + 1)]) : []
                }
                model = Self.pasted(lines, block: block, at: target, after: operation == "p", times: times)
            default:
                vim.type(operation == "I" || operation == "A" ? "\(operation)\(typed)<Esc>" : operation)
                model = Self.expected(lines, lines: blockLines, columns: columns, operation: operation, typed: typed)
            }
            let wanted = model.map { String($0) }.joined(separator: "\n")
            guard vim.editor.text == wanted else {
                Issue.record("seed \(seed): \(operation)\(typed) on \(text.debugDescription) from \(from) to \(to)\(toLineEnds ? " and $" : "") (paste \(times)× at \(target)): \(vim.editor.text.debugDescription), the model's \(wanted.debugDescription)")
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

/// The status line names the visual mode as vim does.
@Suite("Visual mode names")
struct VisualModeNameTests {
    @Test("VISUAL, VISUAL LINE and VISUAL BLOCK")
    func names() throws {
        for (keys, name) in [("v", " VISUAL "), ("V", " VISUAL LINE "), ("<C-v>", " VISUAL BLOCK ")] {
            var vim = try VimHarness("‸abc\nabc")
            vim.type(keys)
            let status = vim.editor.frame().lines[vim.editor.frame().lines.count - 2]
            #expect(status.contains(name), "\(keys): \(status)")
        }
    }
}
