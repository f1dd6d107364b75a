import Foundation
import WeftCRDT

extension Editor {
    /// Runs `:g` or `:normal` (see `LineCommand`): the lines are chosen first, then the action runs
    /// on each in turn, from its start, skipping lines an earlier one removed; all of it is one
    /// undo step, and the cursor stays where the last one left it, as in vim.
    mutating func run(_ command: LineCommand, now: Double) {
        guard let range = lines(from: command.from, to: command.to) else { return }
        if case .normal = command.action, !usesVimKeys {
            return show(":normal runs vim's keys: open the text with --keymap vim", isError: true)
        }
        var lines = Array(range)
        if let pattern = command.pattern {
            let expression: NSRegularExpression
            do {
                expression = try VimPattern(pattern).expression(ignoringCase: false)
            } catch {
                return show("not a valid pattern: \(pattern)", isError: true)
            }
            lines = lines.filter { line in
                let text = replica.text(in: replica.lineRange(line))
                let matches = expression.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
                return matches != command.inverse
            }
            guard !lines.isEmpty else { return show("pattern not found: \(pattern)", isError: true) }
        }
        // Each line by its first character (its line feed, when empty), so that it is found
        // again after the actions before it added or removed lines.
        let marks = lines.map { line -> (anchor: Anchor, id: CharID?) in
            let start = replica.lineStart(line)
            return (replica.anchor(at: start, stickToPrevious: false), start < replica.count ? replica.id(at: start) : nil)
        }
        let before = version
        undoHistory.close()
        undoHistory.beginGroup()
        for mark in marks {
            guard let position = replica.position(of: mark.anchor) else { continue }
            if let id = mark.id, position >= replica.count || replica.id(at: position) != id { continue }
            guard position == replica.lineStart(at: position) || mark.id == nil else { continue }
            moveCursor(to: position)
            switch command.action {
            case .delete:
                let line = replica.line(containing: position)
                guard line <= replica.lastLine else { continue }
                replace(linesRange(line...line), with: "", kind: .other, now: now)
                moveCursor(to: replica.firstNonBlank(ofLine: min(line, replica.lastLine)))
            case .substitute(let substitution):
                substitute(substitution, now: now)
                message = nil
            case .normal(let keys):
                for character in keys { process(.character(character), now: now) }
                if mode != normalModeName { process(.named(.escape), now: now) }
                vim.grammar.reset()
                vim.keys = []
                pendingKeys = []
            }
        }
        undoHistory.endGroup()
        if version == before, command.pattern != nil, case .substitute(let substitution) = command.action {
            show("pattern not found: \(substitution.pattern)", isError: true)
        }
    }

    /// Whether keys go through vim's grammar in this keymap (`:normal` needs it).
    private var usesVimKeys: Bool {
        keymap.bindings.values.contains { $0.values.contains { $0.isVimOperator } }
    }
}
