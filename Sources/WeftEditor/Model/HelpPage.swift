/// Every key of a keymap and what it does, listed from the keymap itself (so a user's own keys
/// show as they are), as a page to scroll with less's keys.
struct HelpPage: Sendable {
    let lines: [String]
    /// The first line on screen.
    var top = 0

    /// Commands in the order listed: leaving and getting help first, then as `EditorCommand` groups them.
    static let order: [EditorCommand] = {
        let first: [EditorCommand] = [.quit, .forceQuit, .help, .suspend, .redraw, .save]
        return first + EditorCommand.allCases.filter { !first.contains($0) }
    }()

    init(keymap: Keymap) {
        var lines = ["Keys of the \(keymap.name) keymap" + (keymap.description.map { ": \($0)" } ?? ""), ""]
        for mode in keymap.modes {
            if keymap.modes.count > 1 { lines.append("\(mode) mode") }
            if keymap.types(in: mode) {
                lines.append("  Keys not listed here type themselves.")
            } else if !keymap.typingModes.isEmpty || keymap.keys(for: .scrollDown, in: mode) != nil {
                lines.append("  Digits before a key repeat it (3j, 10x, 50G).")
            }
            var sequences: [EditorCommand: [[Key]]] = [:]
            for (keys, command) in keymap.bindings[mode] ?? [:] { sequences[command, default: []].append(keys) }
            for command in Self.order {
                guard let bound = sequences[command] else { continue }
                let names = bound.map(\.keyNames).sorted { ($0.count, $0) < ($1.count, $1) }.joined(separator: "  ")
                lines.append("  " + names + String(repeating: " ", count: max(2, 24 - names.count)) + command.summary)
            }
            lines.append("")
        }
        lines.append("Keymaps are TOML files: copy one to CONFIG/keymaps/ to change it (Keymaps/README.md).")
        lines.append("q or Esc closes this page.")
        self.lines = lines
    }
}

extension Editor {
    /// Opens the list of this keymap's keys.
    mutating func openHelp() {
        helpPage = HelpPage(keymap: keymap)
        pendingKeys = []
        pendingCount = nil
    }

    /// A key while the help page is open: less's keys scroll it, q or Esc (or the help key) close it.
    mutating func handleHelp(_ key: Key) {
        guard var page = helpPage else { return }
        let last = max(0, page.lines.count - viewHeight)
        let half = max(1, viewHeight / 2)
        switch key.description {
        case "j", "e", "Down", "Enter", "Ctrl-N", "Ctrl-E": page.top += 1
        case "k", "y", "Up", "Ctrl-P", "Ctrl-Y": page.top -= 1
        case "Space", "f", "z", "PageDown", "Ctrl-F", "Ctrl-V": page.top += viewHeight
        case "b", "w", "PageUp", "Ctrl-B", "Alt-v": page.top -= viewHeight
        case "d", "Ctrl-D": page.top += half
        case "u", "Ctrl-U": page.top -= half
        case "g", "<", "Home": page.top = 0
        case "G", ">", "End": page.top = last
        case "q", "Q", "Esc", "Ctrl-C", "Ctrl-G", "Ctrl-Q", "h", "H":
            helpPage = nil
            return
        default:
            if keymap.modes.contains(where: { keymap.match([key], in: $0) == .command(.help) }) {
                helpPage = nil
            } else {
                show("q or Esc closes the help")
            }
            return
        }
        page.top = min(max(0, page.top), last)
        helpPage = page
    }

    /// Scrolls the help page by `lines` (the mouse wheel).
    mutating func scrollHelp(by lines: Int) {
        guard var page = helpPage else { return }
        page.top = min(max(0, page.top + lines), max(0, page.lines.count - viewHeight))
        helpPage = page
    }

    /// The help page in the text area, and its status line.
    func drawHelp(_ page: HelpPage, into frame: inout Frame, top textTop: Int) {
        for row in 0..<viewHeight {
            let index = page.top + row
            frame.put(index < page.lines.count ? page.lines[index] : "~", row: textTop + row, column: 0,
                      style: .role(index < page.lines.count ? .text : .filler), width: measure)
        }
        let statusRow = textTop + viewHeight
        frame.fill(row: statusRow, style: .role(.status))
        frame.put(" help: \(keymap.name) keymap", row: statusRow, column: 0, style: .role(.status), width: measure)
        let end = page.top + viewHeight >= page.lines.count
        let right = " q closes  \(end ? "END" : "\((page.top + viewHeight) * 100 / max(1, page.lines.count))%") "
        frame.put(right, row: statusRow, column: max(0, frame.width - right.count), style: .role(.status), width: measure)
    }

    /// What the first screen says: how to quit and how to see every key.
    public var welcome: String {
        let commandLine = keymap.modes.contains { keymap.keys(for: .commandLine, in: $0)?.keyNames == ":" }
        if keymap.isModal, commandLine { return "type :q and Enter to quit · :help shows every key" }
        let quit = keymap.modes.lazy.compactMap { keymap.keys(for: .quit, in: $0) }.first?.keyNames
        let help = keymap.modes.lazy.compactMap { keymap.keys(for: .help, in: $0) }.first?.keyNames
        return [quit.map { "\($0) quits" }, help.map { "\($0) shows every key" }].compactMap { $0 }.joined(separator: " · ")
    }
}
