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
            if character == "\n" || character == "\t" || character.utf8.count == 1 && character.asciiValue.map({ $0 >= 0x20 && $0 != 0x7F }) == true {
                shown.append(character)
                continue
            }
            let glyph = Glyph.drawn(character, column: 0, tabWidth: 8, width: TextWidths())
            if character == "\r\n" {
                shown += "^M\n"
            } else if glyph.isControl {
                shown += glyph.text
            } else {
                // Controls inside a cluster are dropped as the pager drops them.
                shown += character.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || Glyph.isBidiControl($0) } ? glyph.text : String(character)
            }
        }
        return shown
    }
}
