/// One thing drawn in the text area: a grapheme cluster as the terminal should show it.
struct Glyph: Equatable {
    /// What to draw (a tab becomes spaces, a control character `^X`).
    var text: String
    /// Columns taken.
    var width: Int
    /// Unicode scalars of the document it stands for.
    var scalars: Int
    /// Shown in the control style (`^M`, `<85>`, `<U+202E>`).
    var isControl: Bool

    /// The glyph for `character` starting at `column` (tabs reach the next stop).
    static func of(_ character: Character, column: Int, tabWidth: Int, width: TextWidths) -> Glyph {
        let scalars = character.unicodeScalars
        let first = scalars.first!
        // Most characters are one printable scalar: drawn as they are, without the filtering below
        // (which made laying out a long line cost more than everything else in a keystroke).
        let isPlainScalar = isDrawnAsItIs(first)
            && (character.utf8.count == 1 || first.value != 0x200D && scalars.index(after: scalars.startIndex) == scalars.endIndex)
        if isPlainScalar, case let columns = width(first), columns > 0 {
            return Glyph(text: String(character), width: columns, scalars: 1, isControl: false)
        }
        return drawn(character, column: column, tabWidth: tabWidth, width: width)
    }

    /// The glyph for any character, by the rules the shortcut in `of` agrees with.
    static func drawn(_ character: Character, column: Int, tabWidth: Int, width: TextWidths) -> Glyph {
        let scalars = character.unicodeScalars
        let first = scalars.first!
        if character == "\t" {
            let spaces = tabWidth - column % tabWidth
            return Glyph(text: String(repeating: " ", count: spaces), width: spaces, scalars: 1, isControl: false)
        }
        if first.value < 0x20 || first.value == 0x7F {
            let shown = first.value == 0x7F ? "^?" : "^" + String(UnicodeScalar(UInt8(first.value + 0x40)))
            return Glyph(text: shown, width: 2, scalars: scalars.count, isControl: true)
        }
        // A C1 control, or a byte of a file that is not UTF-8, as less shows it.
        if let value = (0x80..<0xA0).contains(first.value) ? first.value : UndecodableByte.byte(of: first).map(UInt32.init) {
            let hex = String(value, radix: 16, uppercase: true)
            return Glyph(text: "<\(hex)>", width: hex.count + 2, scalars: scalars.count, isControl: true)
        }
        if isBidiControl(first) {
            // A terminal that orders text right to left would reorder what follows on screen
            // (text that reads other than it is, as in a "Trojan Source" attack): named, as less does.
            let hex = String(first.value, radix: 16, uppercase: true)
            let name = "<U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)>"
            return Glyph(text: name, width: name.count, scalars: scalars.count, isControl: true)
        }
        // Drop scalars the terminal cannot draw in one cell (controls inside a cluster), and a
        // joiner with nothing after it yet (someone's family emoji half arrived): tmux joins the
        // next character it is sent, wherever it goes, to whatever it last drew after a joiner.
        var kept = scalars.filter(isDrawnAsItIs)
        while kept.last?.value == 0x200D { kept.removeLast() }
        let clean = String(String.UnicodeScalarView(kept))
        let columns = width.columns(of: character)
        if columns == 0 {
            // A mark with nothing to sit on (at the start of a line): show it on a dotted circle.
            return Glyph(text: "\u{25CC}" + clean, width: 1, scalars: scalars.count, isControl: false)
        }
        return Glyph(text: clean, width: columns, scalars: scalars.count, isControl: false)
    }

    /// Whether `scalar` is drawn as it is: not a control (C0, DEL, C1), a bidi control, nor a
    /// byte that was not UTF-8.
    static func isDrawnAsItIs(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x20 && !(0x7F..<0xA0).contains(scalar.value) && !isBidiControl(scalar) && scalar.value < UndecodableByte.first
    }

    /// The invisible marks and embeddings that change the order bidirectional text is shown in:
    /// ALM, LRM, RLM, the embeddings and overrides U+202A–202E, the isolates U+2066–2069.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

extension TextWidths {
    /// Columns `text` takes drawn on one row from column 0 (names, labels: a wide or combined
    /// character is not one column, a control is two as `^X`).
    public func columns(of text: String) -> Int {
        var column = 0
        for character in text { column += Glyph.of(character, column: column, tabWidth: 8, width: self).width }
        return column
    }
}
