import Testing
import WeftEditor
@testable import WeftTerminal

@Suite("Key decoding")
struct KeyDecoderTests {
    private func decode(_ bytes: [UInt8], flush: Bool = true) -> [InputEvent] {
        var decoder = KeyDecoder()
        var events = decoder.feed(bytes)
        if flush { events += decoder.flush() }
        return events
    }

    private func keys(_ names: String...) -> [InputEvent] { names.map { .key(Key(name: $0)!) } }

    @Test("text, control keys and UTF-8 split across reads")
    func textAndControls() {
        #expect(decode(Array("aZ ".utf8)) == keys("a", "Z", "Space"))
        #expect(decode([0x11, 0x01, 0x0D, 0x09, 0x7F, 0x08, 0x00, 0x1F]) == keys("Ctrl-Q", "Ctrl-A", "Enter", "Tab", "Backspace", "Backspace", "Ctrl-Space", "Ctrl-_"))
        var decoder = KeyDecoder()
        let bytes = Array("日本".utf8)
        #expect(decoder.feed(bytes[0..<2]).isEmpty && decoder.isWaiting)
        #expect(decoder.feed(bytes[2..<5]) == [.key(.character("日"))])
        #expect(decoder.feed(bytes[5...]) == [.key(.character("本"))])
    }

    @Test("CSI and SS3 sequences, with modifiers")
    func sequences() {
        #expect(decode(Array("\u{1B}[A\u{1B}OB\u{1B}[1;2C\u{1B}[1;5D\u{1B}[H\u{1B}[4~".utf8)) == keys("Up", "Down", "Shift-Right", "Ctrl-Left", "Home", "End"))
        #expect(decode(Array("\u{1B}[5~\u{1B}[6~\u{1B}[3~\u{1B}OP\u{1B}[13;2~\u{1B}[Z".utf8)) == keys("PageUp", "PageDown", "Delete", "F1", "Shift-F3", "Shift-Tab"))
    }

    @Test("Alt is an ESC prefix; a lone ESC is Escape only once nothing follows")
    func escapeAndAlt() {
        #expect(decode(Array("\u{1B}x\u{1B}\u{7F}".utf8)) == keys("Alt-x", "Alt-Backspace"))
        var decoder = KeyDecoder()
        #expect(decoder.feed([0x1B]).isEmpty && decoder.isWaiting)
        #expect(decoder.flush() == keys("Esc"))
        #expect(decode([0x1B, 0x1B]) == keys("Esc", "Esc"))
    }

    @Test("bracketed paste arrives as one event, even across reads, and keeps escapes as text")
    func bracketedPaste() {
        var decoder = KeyDecoder()
        var events = decoder.feed(Array("a\u{1B}[200~one\r\ntw".utf8))
        events += decoder.feed(Array("o \u{1B}[A\u{1B}[20".utf8))
        events += decoder.feed(Array("1~b".utf8))
        #expect(events == [.key(.character("a")), .paste("one\r\ntwo \u{1B}[A"), .key(.character("b"))])
    }

    @Test("a paste longer than the part size comes in parts cut between whole characters, never inside one or a CR LF")
    func longPasteInParts() {
        // Each unit is 10 bytes: a 4-byte emoji, a 3-byte CJK character, a CR LF and a letter,
        // so a cut at the byte limit lands inside one of them for some read size.
        let unit = "👍日\r\nx"
        let count = KeyDecoder.maxPasteBytes / 10 + 1_000
        let text = String(repeating: unit, count: count)
        var decoder = KeyDecoder()
        var events = decoder.feed(Array("\u{1B}[200~".utf8))
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 1_000_003)
            events += decoder.feed(bytes[start..<end])
            start = end
        }
        events += decoder.feed(Array("\u{1B}[201~".utf8))
        var parts: [String] = []
        for (index, event) in events.enumerated() {
            switch event {
            case .pastePart(let part) where index < events.count - 1: parts.append(part)
            case .paste(let part) where index == events.count - 1: parts.append(part)
            default: Issue.record("unexpected event \(index) of \(events.count)")
            }
        }
        #expect(parts.count >= 2, "a paste over the limit comes in parts")
        #expect(!parts.contains { $0.contains("\u{FFFD}") || $0.hasSuffix("\r") })
        #expect(parts.joined() == text)
    }

    @Test("junk is dropped without losing what follows")
    func junk() {
        #expect(decode(Array("\u{1B}[99;99;99X".utf8) + Array("q".utf8)) == keys("q"))
        #expect(decode([0xFF, 0x61]) == [.key(.character("\u{FFFD}")), .key(.character("a"))])
    }
}

extension KeyDecoderTests {
    @Test("a late cursor-position answer is no key; F3 with modifiers still is")
    func cursorReports() {
        var decoder = KeyDecoder()
        #expect(decoder.feed(Array("\u{1B}[2;5R".utf8)).isEmpty)
        #expect(decoder.feed(Array("\u{1B}[1;5R".utf8)) == [.key(.named(.f3, control: true))])
    }
}

extension KeyDecoderTests {
    @Test("SGR mouse reports: a click, a drag, the release, the wheel; other buttons are no use")
    func mouseReports() {
        var decoder = KeyDecoder()
        let events = decoder.feed(Array("\u{1B}[<0;11;3M\u{1B}[<32;14;4M\u{1B}[<0;14;4m\u{1B}[<64;1;1M\u{1B}[<65;120;40M\u{1B}[<2;5;5M".utf8))
        #expect(events == [.mouse(MouseEvent(.press, row: 2, column: 10)), .mouse(MouseEvent(.drag, row: 3, column: 13)),
                           .mouse(MouseEvent(.release, row: 3, column: 13)), .mouse(MouseEvent(.wheelUp, row: 0, column: 0)),
                           .mouse(MouseEvent(.wheelDown, row: 39, column: 119)), .mouse(MouseEvent(.other, row: 4, column: 4))])
    }
}
