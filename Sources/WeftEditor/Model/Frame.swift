/// One screen's worth of what the editor shows: cells, the cursor, the status line. Built without
/// a terminal, so tests compare frames and the terminal layer only draws them.
public struct Frame: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// `height` rows of exactly `width` cells. A wide glyph's cell is followed by one with empty text.
    public var rows: [[Cell]]
    /// Where the terminal cursor goes, if anywhere.
    public var cursor: (row: Int, column: Int)?
    /// Whether the cursor is drawn as a block on a character (vim's normal mode) or a bar between.
    public var blockCursor: Bool

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        rows = Array(repeating: Array(repeating: Cell(" ", .role(.text)), count: width), count: height)
        cursor = nil
        blockCursor = false
    }

    public static func == (lhs: Frame, rhs: Frame) -> Bool {
        lhs.width == rhs.width && lhs.height == rhs.height && lhs.rows == rhs.rows
            && lhs.cursor?.row == rhs.cursor?.row && lhs.cursor?.column == rhs.cursor?.column && lhs.blockCursor == rhs.blockCursor
    }

    /// Row `index` as text (wide glyphs once, trailing spaces kept), as `capture-pane` shows it.
    public func text(ofRow index: Int) -> String {
        rows[index].map(\.text).joined()
    }

    /// Every row as text with trailing spaces removed.
    public var lines: [String] {
        rows.indices.map { index in
            var line = text(ofRow: index)
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// Writes `text` from `column` in `row` with `style`, one cell per column, clipped to the width
    /// (or to `end`, a column before it). Returns the column after it.
    @discardableResult
    mutating func put(_ text: String, row: Int, column: Int, style: CellStyle, width measure: TextWidths, end: Int? = nil) -> Int {
        let limit = min(width, end ?? width)
        var column = column
        for character in text {
            let glyph = Glyph.of(character, column: column, tabWidth: 8, width: measure)
            guard column + glyph.width <= limit else { break }
            put(glyph, row: row, column: column, style: glyph.isControl ? .role(.control) : style)
            column += glyph.width
        }
        return column
    }

    /// As `put`, but a text too long for the row (or for `end`) ends in `…` where it is cut, so a message cut
    /// at the terminal's width does not read as whole.
    @discardableResult
    mutating func putMarkingCut(_ text: String, row: Int, column: Int, style: CellStyle, width measure: TextWidths, end: Int? = nil) -> Int {
        let limit = min(width, end ?? width)
        guard column + measure.columns(of: text) > limit, limit - column >= 2 else {
            return put(text, row: row, column: column, style: style, width: measure, end: limit)
        }
        let cut = put(text, row: row, column: column, style: style, width: measure, end: limit - 1)
        return put("…", row: row, column: cut, style: style, width: measure, end: limit)
    }

    mutating func put(_ glyph: Glyph, row: Int, column: Int, style: CellStyle) {
        guard row >= 0, row < height, column >= 0, column + max(1, glyph.width) <= width else { return }
        if glyph.isControl || (glyph.text.allSatisfy({ $0 == " " }) && glyph.width > 1) {
            // `^A`, `<85>` and a tab's spaces are one character a cell, as the terminal shows them.
            for (offset, character) in glyph.text.prefix(glyph.width).enumerated() { rows[row][column + offset] = Cell(String(character), style) }
            return
        }
        rows[row][column] = Cell(glyph.text, style)
        for offset in 1..<max(1, glyph.width) { rows[row][column + offset] = Cell("", style) }
    }

    mutating func fill(row: Int, from column: Int = 0, style: CellStyle) {
        guard row >= 0, row < height else { return }
        for index in max(0, column)..<width { rows[row][index] = Cell(" ", style) }
    }

    mutating func restyle(row: Int, column: Int, _ style: CellStyle) {
        guard row >= 0, row < height, column >= 0, column < width else { return }
        rows[row][column].style = style
    }
}

/// One terminal cell.
public struct Cell: Equatable, Sendable {
    /// A grapheme cluster, or "" for the other columns of a wide one.
    public var text: String
    public var style: CellStyle

    public init(_ text: String, _ style: CellStyle) {
        self.text = text
        self.style = style
    }
}

/// How a cell is drawn: a theme role, or a person's colour (their cursor or name).
public enum CellStyle: Hashable, Sendable {
    case role(StyleRole)
    /// Another person's cursor or selection: their colour behind the text.
    case peerCursor(UInt32)
    /// Another person's name tag: their colour as the text.
    case peerLabel(UInt32)
    /// A colour the text itself asked for (an ANSI sequence, shown with the pager's `-R`).
    case text(TextStyle)
}
