/// One line of the document cut into screen rows: glyphs with their columns and scalar offsets.
struct LineLayout {
    struct Placed: Equatable {
        var glyph: Glyph
        var column: Int
        /// Scalar offset of the glyph in the line.
        var offset: Int
    }

    struct Row: Equatable {
        var glyphs: [Placed]
        /// Scalar offsets in the line that this row covers.
        var start: Int
        var end: Int
    }

    let rows: [Row]
    /// Where each row starts in the line's UTF-8, to lay out again from a row.
    let rowUTF8Starts: [Int]
    /// Scalars in the line (without its newline).
    let length: Int

    /// Lays out `text` (one line, no newline). With `wrapWidth`, rows are at most that many
    /// columns (a wide glyph that does not fit moves to the next row); without, one row.
    ///
    /// - Parameters:
    ///   - earlier: the layout of a text whose first `unchangedBytes` UTF-8 bytes `text` shares,
    ///     made with the same widths: its rows before the change are taken as they are, so
    ///     typing at the end of a long wrapped line lays out its last rows, not all of it.
    init(_ text: String, wrapWidth: Int?, tabWidth: Int, width: TextWidths, earlier: LineLayout? = nil, unchangedBytes: Int = 0) {
        var rows: [Row] = []
        var utf8Starts: [Int] = []
        var current: [Placed] = []
        var column = 0, offset = 0, rowStart = 0
        let utf8 = text.utf8
        var index = utf8.startIndex
        if let earlier, unchangedBytes > 0, earlier.rows.count > 2 {
            // The row holding the last unchanged byte may change (a mark typed after its last
            // character joins it, and may widen it); so may the row before, which that character
            // may now fit at the end of. Rows before those end at a boundary the change cannot move.
            let changedRow = earlier.rowUTF8Starts.lastIndex { $0 <= unchangedBytes - 1 } ?? 0
            let kept = changedRow - 1
            if kept > 0 {
                rows = Array(earlier.rows[..<kept])
                utf8Starts = Array(earlier.rowUTF8Starts[..<kept])
                offset = earlier.rows[kept].start
                rowStart = offset
                index = utf8.index(utf8.startIndex, offsetBy: earlier.rowUTF8Starts[kept])
            }
        }
        var rowStartByte = utf8.distance(from: utf8.startIndex, to: index)
        func place(_ character: Character, _ made: Glyph, at byte: String.Index) {
            var glyph = made
            if let limit = wrapWidth, column + glyph.width > limit, !current.isEmpty {
                rows.append(Row(glyphs: current, start: rowStart, end: offset))
                utf8Starts.append(rowStartByte)
                current = []
                column = 0
                rowStart = offset
                rowStartByte = utf8.distance(from: utf8.startIndex, to: byte)
                if character == "\t" { glyph = Glyph.of(character, column: 0, tabWidth: tabWidth, width: width) }
            }
            if let limit = wrapWidth, glyph.width > limit { glyph.width = limit }
            current.append(Placed(glyph: glyph, column: column, offset: offset))
            column += glyph.width
            offset += glyph.scalars
        }
        // A printable ASCII byte followed by another ASCII byte is a character of its own (no
        // cluster joins two ASCII bytes but CR LF): its glyph is made the first time the line
        // has it, and the text is not cut into characters there. Laying out a line of a megabyte
        // typed into otherwise cost a quarter of a second a key.
        var ascii = [Glyph?](repeating: nil, count: 0x80)
        while index < utf8.endIndex {
            let next = utf8.index(after: index)
            let byte = utf8[index]
            if byte >= 0x20, byte < 0x7F, next == utf8.endIndex || utf8[next] < 0x80 {
                let character = Character(Unicode.Scalar(byte))
                if ascii[Int(byte)] == nil { ascii[Int(byte)] = Glyph.of(character, column: 0, tabWidth: tabWidth, width: width) }
                place(character, ascii[Int(byte)]!, at: index)
                index = next
                continue
            }
            let character = text[index]
            place(character, Glyph.of(character, column: column, tabWidth: tabWidth, width: width), at: index)
            index = text.index(after: index)
        }
        rows.append(Row(glyphs: current, start: rowStart, end: offset))
        utf8Starts.append(rowStartByte)
        self.rows = rows
        rowUTF8Starts = utf8Starts
        length = offset
    }

    /// The row and column of the place before scalar `offset` (snapped to a glyph start).
    func place(of offset: Int) -> (row: Int, column: Int) {
        for (index, row) in rows.enumerated() {
            let isLast = index == rows.count - 1
            guard offset < row.end || isLast else { continue }
            var column = 0
            for placed in row.glyphs {
                if placed.offset >= offset { return (index, placed.column) }
                if placed.offset + placed.glyph.scalars > offset { return (index, placed.column) }
                column = placed.column + placed.glyph.width
            }
            return (index, column)
        }
        return (0, 0)
    }

    /// The scalar offset nearest to `column` in row `row` (a glyph start; the row's end past its text).
    func offset(row: Int, column: Int) -> Int {
        let index = min(max(0, row), rows.count - 1)
        let row = rows[index]
        for placed in row.glyphs where placed.column + placed.glyph.width > column {
            return placed.offset
        }
        // Past the end of a wrapped row: its last glyph (its end is the next row's start).
        if index < rows.count - 1, let last = row.glyphs.last { return last.offset }
        return row.end
    }

    /// Glyph starts in the line, for moving by grapheme.
    var boundaries: [Int] {
        var offsets = rows.flatMap { $0.glyphs.map(\.offset) }
        offsets.append(length)
        return offsets
    }
}
