/// Text from others made safe to write to a terminal outside the editor.
public enum VisibleText {
    /// `text` as it may be written to a terminal: controls (an escape sequence that would retitle
    /// the window or clear the screen, a CR that would draw over the line) and bidi controls
    /// shown as the pager shows them (`^[`, `^M`, `<85>`, `<U+202E>`); line feeds and tabs kept.
    /// Others' text reaches `weft log` and `weft blame`.
    public static func visible(_ text: String) -> String {
        var shown = ""
        shown.reserveCapacity(text.utf8.count)
        for character in text {
            if character == "\n" || character == "\t" || character.unicodeScalars.allSatisfy(Glyph.isDrawnAsItIs) {
                shown.append(character)
            } else if character == "\r\n" {
                shown += "^M\n"
            } else {
                // A control shown as `^X` or `<U+…>`; controls inside a cluster dropped, as the pager drops them.
                shown += Glyph.drawn(character, column: 0, tabWidth: 8, width: TextWidths()).text
            }
        }
        return shown
    }
}
