import WeftWire

extension HistoryFormat {
    /// The blame as `git blame` prints it, as UTF-8: per line, the entry's sequence, author,
    /// time, the line number and the text.
    public static func blame(_ blame: Blame) -> [UInt8] {
        let lines = blame.lineCuts
        var newestSeq: UInt64 = 0, authorWidth = 0
        var measured = [Bool](repeating: false, count: blame.entries.count + 1)
        for line in lines {
            newestSeq = max(newestSeq, blame.serverSeq(of: line.entry))
            let slot = line.entry ?? blame.entries.count
            if !measured[slot] {
                measured[slot] = true
                authorWidth = max(authorWidth, author(blame.entry(line.entry)?.author).count)
            }
        }
        authorWidth = min(16, authorWidth)
        let seqWidth = String(newestSeq).count, numberWidth = String(lines.count).count
        var output = PrintBuffer(capacity: blame.utf8.count + lines.count * (seqWidth + authorWidth + numberWidth + 24))
        var prefixes = EntryBytes(entries: blame.entries.count)
        blame.utf8.withUnsafeBufferPointer { text in
            for (index, line) in lines.enumerated() {
                prefixes.append(line.entry, to: &output) {
                    let entry = blame.entry(line.entry)
                    let seq = entry.map { String($0.serverSeq) } ?? "-"
                    return pad(seq, seqWidth, right: true) + " (" + pad(author(entry?.author), authorWidth) + " " + time(entry?.committedAt) + " "
                }
                output.append(UInt64(index + 1), width: numberWidth)
                output.append(byte: UInt8(ascii: ")"))
                output.append(byte: UInt8(ascii: " "))
                output.append(UnsafeBufferPointer(rebasing: text[line.bytes]))
                output.append(byte: UInt8(ascii: "\n"))
            }
        }
        return output.bytes
    }

    /// For scripts, as UTF-8: per line `SEQ NUMBER` (SEQ 0 when no entry is known), then
    /// `author NAME`, `verified yes|no` and `time MILLISECONDS` when known, then a tab and the
    /// line's text.
    public static func blamePorcelain(_ blame: Blame) -> [UInt8] {
        var output = PrintBuffer(capacity: blame.utf8.count + blame.lineCount * 64)
        var details = EntryBytes(entries: blame.entries.count)
        for (index, line) in blame.lineCuts.enumerated() {
            output.append(blame.serverSeq(of: line.entry))
            output.append(byte: UInt8(ascii: " "))
            output.append(UInt64(index + 1))
            output.append(byte: UInt8(ascii: "\n"))
            details.append(line.entry, to: &output) { Self.details(blame.entry(line.entry)) }
            output.append(byte: UInt8(ascii: "\t"))
            output.append(blame.utf8[line.bytes])
            output.append(byte: UInt8(ascii: "\n"))
        }
        return output.bytes
    }

    /// `--chars`, as UTF-8: per range of one author, `START-END` (in Unicode scalars, END
    /// excluded), the sequence of its newest entry, the author, the time and the text (line feeds
    /// as `\n`). With `porcelain`, `START END SEQ`, the detail lines, then a tab and the text.
    public static func chars(_ blame: Blame, porcelain: Bool) -> [UInt8] {
        let pieces = blame.authorPieces
        var output = PrintBuffer(capacity: blame.utf8.count + pieces.count * 64)
        var fields = EntryBytes(entries: blame.entries.count)
        for piece in pieces {
            output.append(UInt64(piece.scalars.lowerBound))
            output.append(byte: porcelain ? UInt8(ascii: " ") : UInt8(ascii: "-"))
            output.append(UInt64(piece.scalars.upperBound))
            output.append(byte: UInt8(ascii: " "))
            if porcelain {
                output.append(blame.serverSeq(of: piece.entry))
                output.append(byte: UInt8(ascii: "\n"))
                fields.append(piece.entry, to: &output) { details(blame.entry(piece.entry)) }
                output.append(byte: UInt8(ascii: "\t"))
            } else {
                fields.append(piece.entry, to: &output) {
                    let entry = blame.entry(piece.entry)
                    return "\(entry?.serverSeq ?? 0) \(author(entry?.author)) \(time(entry?.committedAt)) "
                }
            }
            output.appendEscaped(blame.utf8[piece.bytes])
            output.append(byte: UInt8(ascii: "\n"))
        }
        return output.bytes
    }

    /// `author NAME` and `verified yes|no` lines when the author is known, `time MILLISECONDS`
    /// when the time is.
    private static func details(_ entry: HistoryEntry?) -> String {
        var output = ""
        if let author = entry?.author { output += "author \(author.name)\nverified \(author.verified ? "yes" : "no")\n" }
        if let time = entry?.committedAt { output += "time \(time)\n" }
        return output
    }
}
