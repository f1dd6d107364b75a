import CNCursesW
import CTerminalRescue
import Foundation
import WeftEditor

/// The terminal, through ncursesw: set up for full-screen editing, drawing `Frame`s, restored on
/// `close()`. Output only: keys are read from standard input by `InputReader`, so ncurses is
/// only ever called from one task. Not thread-safe: call it from one task at a time.
public final class Terminal: @unchecked Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public let colourMode: ColourMode
    /// Columns text takes here: the C library's widths, and grapheme clusters as measured.
    public private(set) var textWidths = TextWidths(scalar: Terminal.columnWidth)
    /// Bytes typed while the terminal was being measured, for the key reader to take first.
    public private(set) var pendingInput: [UInt8] = []
    /// Cells ncurses cannot hold (a cluster of several spacing scalars): ncurses keeps a
    /// placeholder of the right width, and they are written after each refresh.
    var ownCells: [Int: [OwnCell]] = [:]
    private let theme: Theme
    private var screen: OpaquePointer?
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private var drawn: Frame?
    private var blockCursor: Bool?
    private var closed = false

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    /// Takes over the terminal: alternate screen, raw keys, no echo, bracketed paste.
    /// - Parameter terminfo: a directory of Weft's own where a terminfo entry with 24-bit colour
    ///   may be compiled when `COLORTERM` asks for it (see `DirectColourEntry`).
    /// - Throws: `TerminalError` when standard output is not a terminal, `TERM` is unknown, or the
    ///   terminal cannot move its cursor (`TERM=dumb`).
    ///   - mouse: report clicks, drags and the wheel (else the terminal keeps its own selection).
    ///   - clipboard: pass copies to the terminal's clipboard (OSC 52).
    public init(theme: Theme, terminfo: URL? = nil, mouse: Bool = true, clipboard: Bool = true,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws(TerminalError) {
        self.theme = theme
        enteringSequence = Self.bracketedPasteOn + (mouse ? Self.mouseOn : "")
        usesClipboard = clipboard
        guard isatty(STDOUT_FILENO) == 1, isatty(STDIN_FILENO) == 1 else {
            throw TerminalError("weft edit and weft view need a terminal: standard input and output must be one (use `weft cat` or `weft apply` in scripts)")
        }
        setlocale(LC_ALL, "")
        if weft_locale_is_utf8() == 0 {
            // Wide characters need a UTF-8 locale; C.UTF-8 is always there on Debian.
            setlocale(LC_ALL, "C.UTF-8")
        }
        _ = weft_rescue_save_modes()
        let term = environment["TERM"] ?? ""
        let colours = environment["NO_COLOR"].map({ !$0.isEmpty }) != true
        var type = term
        var directory: String?
        let unknown = weft_terminfo_known(term) == 0
        if unknown, term.hasSuffix("-direct"), weft_terminfo_known(String(term.dropLast(7)) + "-256color") != 0 {
            // The `-direct` entries come only with Debian's ncurses-term: the same terminal's
            // 256-colour entry, with 24-bit colours made as for COLORTERM, stands in.
            type = String(term.dropLast(7)) + "-256color"
            if colours, let terminfo, let direct = DirectColourEntry.ensure(term: type, in: terminfo) { (type, directory) = (direct, terminfo.path) }
        } else if unknown {
            // Said here rather than by ncurses, which would print its own line first.
            throw TerminalError("the terminal type \"\(term)\" is unknown to ncurses: set TERM (for example TERM=xterm-256color)")
        } else if colours, DirectColourEntry.wanted(environment), weft_terminfo_colours(term) < 0x1000000,
           let terminfo, let direct = DirectColourEntry.ensure(term: term, in: terminfo) {
            (type, directory) = (direct, terminfo.path)
        }
        let screen = Self.withTerminfo(directory) { newterm(type, weft_stdout(), weft_stdin()) }
        guard let screen else {
            throw TerminalError("the terminal type \"\(term)\" is unknown to ncurses: set TERM (for example TERM=xterm-256color)")
        }
        self.screen = screen
        set_term(screen)
        guard weft_has_string_capability("cup") != 0 else {
            endwin()
            delscreen(screen)
            self.screen = nil
            closed = true
            throw TerminalError("the terminal type \"\(term)\" cannot move the cursor, and a full-screen editor needs that: run it in a terminal emulator with TERM set to match (for example TERM=xterm-256color); `weft cat` prints a document without one", cannotMoveCursor: true)
        }
        let rescue = Self.leavingSequence(exitingScreen: true)
        rescue.withCString { weft_rescue_install($0, strlen($0)) }
        raw()
        noecho()
        nonl()
        keypad(weft_stdscr(), false)
        // Placeholder cells must stay where they are (see `ownCells`), so no shifting of characters.
        idcok(weft_stdscr(), false)
        var mode = ColourMode.none
        if environment["NO_COLOR"].map({ !$0.isEmpty }) != true, has_colors() {
            start_color()
            use_default_colors()
            mode = ColourMode.forColours(Int(weft_colors()))
        }
        colourMode = mode
        width = Int(weft_cols())
        height = Int(weft_lines())
        measureClusters()
        Self.write(enteringSequence)
    }

    /// What the terminal is told on taking it: bracketed paste on, and the mouse when wanted.
    private let enteringSequence: String
    private let usesClipboard: Bool
    private static let bracketedPasteOn = "\u{1B}[?2004h"
    /// Clicks, drags with a button held, and the wheel, reported as SGR (1006: any size of screen).
    private static let mouseOn = "\u{1B}[?1000h\u{1B}[?1002h\u{1B}[?1006h"

    /// What gives the terminal back: the mouse and bracketed paste off, the cursor's shape and
    /// visibility and the colours reset, and (for a crash, where ncurses cannot) the normal screen back.
    private static func leavingSequence(exitingScreen: Bool) -> String {
        var text = "\u{1B}[?1006l\u{1B}[?1002l\u{1B}[?1000l\u{1B}[?2004l\u{1B}[0 q"
        for name in ["sgr0", "cnorm"] + (exitingScreen ? ["rmcup"] : []) {
            if let value = weft_string_capability(name) { text += String(cString: value) }
        }
        return text
    }

    /// Gives the terminal back to the shell, stops the process as Ctrl-Z in a shell does, and
    /// takes the terminal again once continued (`fg`); the next `draw` repaints everything.
    public func suspendProcess() {
        guard !closed else { return }
        Self.write(Self.leavingSequence(exitingScreen: false))
        endwin()
        weft_stop_process()
        Self.write(enteringSequence)
        blockCursor = nil
        redrawEverything()
    }

    /// Puts `text` on the terminal's clipboard (OSC 52: through ssh, and through tmux when its
    /// `set-clipboard` option allows), unless that was turned off.
    public func copyToClipboard(_ text: String) {
        guard usesClipboard, !closed else { return }
        Self.write("\u{1B}]52;c;\(Data(text.utf8).base64EncodedString())\u{07}")
    }

    /// Makes the next `draw` repaint the whole screen (Ctrl-L, or after the process was continued).
    public func redrawEverything() {
        guard !closed else { return }
        drawn = nil
        clearok(weft_stdscr(), true)
    }

    deinit { close() }

    /// Runs `body` with `TERMINFO` set to `directory` (when given), as ncurses reads it.
    private static func withTerminfo<T>(_ directory: String?, _ body: () -> T) -> T {
        guard let directory else { return body() }
        let previous = getenv("TERMINFO").map { String(cString: $0) }
        setenv("TERMINFO", directory, 1)
        defer { if let previous { setenv("TERMINFO", previous, 1) } else { unsetenv("TERMINFO") } }
        return body()
    }

    func setClusterWidths(_ clusters: ClusterWidths, pendingInput: [UInt8]) {
        textWidths.clusters = clusters
        self.pendingInput = pendingInput
    }

    /// Columns per scalar as the C library counts them (after `init` set the locale), which is
    /// what the terminal's own layout most likely agrees with; the pure table where it says -1.
    public static let columnWidth: ColumnWidth = { scalar in
        let columns = Int(wcwidth(wchar_t(bitPattern: scalar.value)))
        return columns >= 0 ? columns : ColumnWidths.unicode(scalar)
    }

    /// Gives the terminal back as it was: normal screen, cooked keys, visible cursor.
    public func close() {
        guard !closed else { return }
        closed = true
        Self.write(Self.leavingSequence(exitingScreen: false))
        endwin()
        weft_rescue_uninstall()
        if let screen { delscreen(screen) }
        screen = nil
    }

    /// Reads the window size after SIGWINCH and tells ncurses; the next `draw` repaints everything.
    public func updateSize() {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 {
            resizeterm(Int32(size.ws_row), Int32(size.ws_col))
        }
        width = Int(weft_cols())
        height = Int(weft_lines())
        drawn = nil
        clearok(weft_stdscr(), true)
    }

    /// Draws `frame`: only rows that changed since the last one, then one refresh (ncurses sends
    /// only the cells that differ from what the terminal shows).
    public func draw(_ frame: Frame) {
        guard !closed, weft_rescue_fired() == 0 else { return }
        let full = drawn == nil || drawn!.width != frame.width || drawn!.height != frame.height
        var redrawn: [Int] = []
        for row in 0..<min(frame.height, height) where full || drawn!.rows[row] != frame.rows[row] {
            draw(row: row, of: frame)
            redrawn.append(row)
        }
        drawn = frame
        if let cursor = frame.cursor {
            curs_set(1)
            move(Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        refresh()
        writeOwnCells(rows: redrawn)
        if blockCursor != frame.blockCursor {
            blockCursor = frame.blockCursor
            Self.write(frame.blockCursor ? "\u{1B}[2 q" : "\u{1B}[6 q")
        }
    }

    private func draw(row: Int, of frame: Frame) {
        var scalars = [wchar_t](repeating: 0, count: 6)
        ownCells[row] = nil
        for (column, cell) in frame.rows[row].enumerated() where column < width {
            if cell.text.isEmpty { continue }  // the second column of a wide glyph
            let (attributes, pair) = look(cell.style)
            if Self.needsOwnDrawing(cell.text) {
                let columns = 1 + frame.rows[row][(column + 1)...].prefix { $0.text.isEmpty }.count
                placeholder(row: row, column: column, columns: min(columns, width - column), attributes: attributes, pair: pair)
                ownCells[row, default: []].append(OwnCell(column: column, text: cell.text, attributes: attributes, pair: pair))
                continue
            }
            var count = 0
            for scalar in cell.text.unicodeScalars where count < 5 {
                scalars[count] = wchar_t(bitPattern: scalar.value)
                count += 1
            }
            scalars[count] = 0
            _ = scalars.withUnsafeBufferPointer { weft_add_cell(Int32(row), Int32(column), $0.baseAddress, attributes, pair) }
        }
    }

    /// The attributes and colour pair for a cell style, allocating pairs as they are first used.
    func look(_ style: CellStyle) -> (attr_t, Int32) {
        var text: TextStyle
        switch style {
        case .role(let role):
            switch colourMode {
            case .none: text = role.monochrome
            case .eight: text = role.eightColour(theme.style(role))
            default: text = theme.style(role)
            }
        case .peerCursor(let colour):
            if colourMode == .none || (colourMode == .eight && colourMode.clearHue(.rgb(colour)) == nil) {
                text = TextStyle(reverse: true)
            } else {
                text = TextStyle(foreground: .indexed(0), background: .rgb(colour))
            }
        case .text(let style):
            // Colours from the text (the pager's -R): as they are, or attributes alone without colour.
            text = colourMode == .none ? TextStyle(bold: style.bold, underline: style.underline, reverse: style.reverse) : style
        case .peerLabel(let colour):
            if colourMode == .none || (colourMode == .eight && colourMode.clearHue(.rgb(colour)) == nil) {
                text = TextStyle(bold: true, underline: true)
            } else {
                text = TextStyle(foreground: .rgb(colour), bold: true)
            }
        }
        var attributes = weft_a_normal()
        if text.bold { attributes |= weft_a_bold() }
        if text.underline { attributes |= weft_a_underline() }
        if text.reverse { attributes |= weft_a_reverse() }
        guard colourMode != .none else { return (attributes, 0) }
        let key = PairKey(foreground: colourMode.number(for: text.foreground), background: colourMode.number(for: text.background))
        if key.foreground == -1, key.background == -1 { return (attributes, 0) }
        if let pair = pairs[key] { return (attributes, pair) }
        guard nextPair < weft_color_pairs() else { return (attributes, 0) }
        let pair = nextPair
        nextPair += 1
        init_extended_pair(pair, key.foreground, key.background)
        pairs[key] = pair
        return (attributes, pair)
    }

    static func write(_ text: String) {
        guard weft_rescue_fired() == 0 else { return }
        fflush(weft_stdout())
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}

/// The terminal cannot be used; the message says what to do.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The terminal has no cursor addressing (`TERM=dumb`): text can only be printed line by line.
    public var cannotMoveCursor: Bool
    public init(_ description: String, cannotMoveCursor: Bool = false) {
        self.description = description
        self.cannotMoveCursor = cannotMoveCursor
    }
}
