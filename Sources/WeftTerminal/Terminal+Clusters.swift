import CNCursesW
import Foundation
import WeftEditor

/// Grapheme clusters ncurses cannot hold: a cell of ncurses keeps one spacing character and a few
/// combining ones, so a skin-toned emoji, a flag or a family joined by ZWJ lost all but its first
/// scalar. Such cells keep a placeholder in ncurses (of the right width, so ncurses's idea of the
/// row stays right) and are written straight after each refresh, the attributes through ncurses so
/// that what it believes the terminal's attributes are stays true.
extension Terminal {
    struct OwnCell {
        var column: Int
        var text: String
        var attributes: attr_t
        var pair: Int32
    }

    /// A cell ncurses cannot hold: more than one scalar that takes columns, or more scalars than a
    /// cell keeps (a base and four combining ones).
    static func needsOwnDrawing(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        return scalars.count > 5 || scalars.dropFirst().contains { columnWidth($0) > 0 }
    }

    /// One-column placeholders over `columns` cells: a character nothing else draws, so ncurses
    /// rewrites the cell whenever something else takes its place.
    func placeholder(row: Int, column: Int, columns: Int, attributes: attr_t, pair: Int32) {
        var scalars: [wchar_t] = [0xFFFC, 0]
        for offset in 0..<max(1, columns) {
            _ = scalars.withUnsafeMutableBufferPointer { weft_add_cell(Int32(row), Int32(column + offset), $0.baseAddress, attributes, pair) }
        }
    }

    /// Writes the own cells of `rows` over their placeholders, then puts the cursor and the
    /// attributes back where ncurses left them.
    func writeOwnCells(rows: [Int]) {
        let cells = rows.flatMap { row in (ownCells[row] ?? []).map { (row, $0) } }
        guard !cells.isEmpty else { return }
        for (row, cell) in cells {
            weft_put_cursor_address(Int32(row), Int32(cell.column))
            weft_put_attributes(cell.attributes, cell.pair)
            fputs(cell.text, weft_stdout())
        }
        weft_put_attributes(weft_a_normal(), 0)
        weft_put_cursor_address(getcury(weft_stdscr()), getcurx(weft_stdscr()))
        fflush(weft_stdout())
    }

    /// Measures how this terminal lays out grapheme clusters (see `ClusterProbe`), on a row of the
    /// alternate screen cleared afterwards. A terminal that does not answer within a second gets
    /// Unicode's layout. Keys typed meanwhile are kept for the key reader.
    func measureClusters() {
        clear()
        refresh()
        let row = height >= 2 ? 2 : 1
        let request = ClusterProbe.request(row: row)
        _ = request.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        var replies = ClusterProbe.Replies()
        let deadline = ContinuousClock.now + .seconds(1)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !replies.finished, ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&descriptor, 1, milliseconds) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            replies.feed(buffer[0..<count])
        }
        setClusterWidths(replies.widths ?? .unicode, pendingInput: replies.keys)
        // ncurses did not see what the probe drew or where it left the cursor.
        clearok(weft_stdscr(), true)
    }
}
