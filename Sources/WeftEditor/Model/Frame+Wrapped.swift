extension Frame {
    /// Writes a text's rows (`wrap`) ending on `lastRow`, at most `maxRows` of them, the last cut
    /// with `…` when more are left. Each row it takes is cleared first. Returns where the text
    /// ends.
    @discardableResult
    mutating func putWrapped(_ rows: [String], lastRow: Int, maxRows: Int, style: CellStyle, width measure: TextWidths) -> (row: Int, column: Int) {
        var lines = rows
        if lines.count > max(1, maxRows) {
            lines = Array(lines.prefix(max(1, maxRows) - 1)) + [lines[(max(1, maxRows) - 1)...].joined(separator: " ")]
        }
        let firstRow = lastRow - (lines.count - 1)
        var end = 0
        for (index, line) in lines.enumerated() {
            fill(row: firstRow + index, style: .role(.text))
            end = putMarkingCut(line, row: firstRow + index, column: 0, style: style, width: measure)
        }
        return (lastRow, end)
    }

    /// `text` in rows of at most `width` columns, broken at spaces (a space where a row breaks is
    /// dropped), and inside words too long for a row.
    static func wrap(_ text: String, width: Int, measure: TextWidths) -> [String] {
        guard width > 0 else { return [text] }
        var lines: [String] = []
        var current = "", currentWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let wordWidth = measure.columns(of: String(word))
            if current.isEmpty, currentWidth == 0, wordWidth <= width {
                current = String(word)
                currentWidth = wordWidth
            } else if currentWidth + 1 + wordWidth <= width {
                current += " " + word
                currentWidth += 1 + wordWidth
            } else if wordWidth <= width {
                lines.append(current)
                current = String(word)
                currentWidth = wordWidth
            } else {
                // Longer than a row (a path, say): cut where the row ends, after what is there.
                var piece = current.isEmpty ? "" : current + " "
                var pieceWidth = current.isEmpty ? 0 : currentWidth + 1
                for character in word {
                    let characterWidth = max(0, measure.columns(of: String(character)))
                    if pieceWidth + characterWidth > width {
                        lines.append(piece)
                        piece = ""
                        pieceWidth = 0
                    }
                    piece.append(character)
                    pieceWidth += characterWidth
                }
                current = piece
                currentWidth = pieceWidth
            }
        }
        lines.append(current)
        return lines
    }
}
