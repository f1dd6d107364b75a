import WeftEditor

/// Turns the bytes a terminal sends into keys: UTF-8 text, control keys, CSI and SS3 sequences
/// (arrows, Home/End, F-keys, with Shift/Alt/Ctrl), Alt as an ESC prefix, and bracketed paste.
/// Pure: the reader feeds bytes as they arrive and calls `flush()` when a lone ESC has waited
/// long enough to be the Escape key.
public struct KeyDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var pasted: [UInt8]?
    /// Pastes above this are cut into parts (`pastePart`), so memory stays bounded.
    public static let maxPasteBytes = 16 << 20

    public init() {}

    /// Whether bytes are waiting that could start a longer sequence (an ESC, part of a character).
    public var isWaiting: Bool { !buffer.isEmpty }

    /// Decodes what `bytes` complete; an unfinished sequence waits for more.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [InputEvent] {
        buffer.append(contentsOf: bytes)
        return decode(final: false)
    }

    /// Decodes what is waiting as if nothing more were coming (a lone ESC is the Escape key).
    public mutating func flush() -> [InputEvent] {
        decode(final: true)
    }

    private static let pasteEnd: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]  // ESC [ 2 0 1 ~

    private mutating func decode(final: Bool) -> [InputEvent] {
        var events: [InputEvent] = []
        var index = 0
        while index < buffer.count {
            if pasted != nil {
                if let end = find(Self.pasteEnd, from: index) {
                    pasted!.append(contentsOf: buffer[index..<end])
                    events.append(.paste(String(decoding: pasted!, as: UTF8.self)))
                    pasted = nil
                    index = end + Self.pasteEnd.count
                    continue
                }
                // Keep a possible start of the end marker for the next read.
                let keep = final ? 0 : min(Self.pasteEnd.count - 1, buffer.count - index)
                pasted!.append(contentsOf: buffer[index..<(buffer.count - keep)])
                index = buffer.count - keep
                if pasted!.count > Self.maxPasteBytes, let part = takePastePart() { events.append(.pastePart(part)) }
                break
            }
            guard let (event, length) = decodeOne(at: index, final: final) else { break }
            if let event { events.append(event) }
            index += length
        }
        buffer.removeFirst(index)
        if final, pasted != nil, buffer.isEmpty, let part = takePastePart() { events.append(.pastePart(part)) }
        return events
    }

    /// The paste so far, up to its last whole character and not after a carriage return (whose
    /// line feed may come next), removed from `pasted`; nil when nothing can be cut yet. A cut
    /// inside a character's bytes would turn both halves into U+FFFD.
    private mutating func takePastePart() -> String? {
        guard var cut = pasted?.count, cut > 0 else { return nil }
        // Back over continuation bytes (10xxxxxx) to the start of the last character, then keep
        // that character only if all of its bytes are here.
        var start = cut - 1
        while start > 0, pasted![start] & 0xC0 == 0x80 { start -= 1 }
        let lead = pasted![start]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        if start + length > cut { cut = start }
        if cut > 0, pasted![cut - 1] == 0x0D { cut -= 1 }
        guard cut > 0 else { return nil }
        let part = String(decoding: pasted![..<cut], as: UTF8.self)
        pasted!.removeFirst(cut)
        return part
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard buffer.count - start >= needle.count else { return nil }
        for index in start...(buffer.count - needle.count) where buffer[index] == needle[0] {
            if Array(buffer[index..<index + needle.count]) == needle { return index }
        }
        return nil
    }

    /// One event at `index` and the bytes it took; nil when more bytes are needed.
    private mutating func decodeOne(at index: Int, final: Bool) -> (InputEvent?, Int)? {
        let byte = buffer[index]
        if byte == 0x1B {
            guard index + 1 < buffer.count else { return final ? (.key(.named(.escape)), 1) : nil }
            let next = buffer[index + 1]
            if next == 0x5B { return decodeCSI(at: index, final: final) }
            if next == 0x4F {
                guard index + 2 < buffer.count else { return final ? (.key(Key(.character("O"), alt: true)), 2) : nil }
                return (ss3(buffer[index + 2]).map { .key($0) }, 3)
            }
            if next == 0x1B { return (.key(.named(.escape)), 1) }
            // Alt: ESC then the key.
            guard let (event, length) = decodePlain(at: index + 1, final: final) else { return nil }
            if case .key(var key)? = event {
                key.alt = true
                return (.key(key), length + 1)
            }
            return (event, length + 1)
        }
        return decodePlain(at: index, final: final)
    }

    private func decodePlain(at index: Int, final: Bool) -> (InputEvent?, Int)? {
        let byte = buffer[index]
        switch byte {
        case 0x00: return (.key(Key(.character(" "), control: true)), 1)
        case 0x08, 0x7F: return (.key(.named(.backspace)), 1)
        case 0x09: return (.key(.named(.tab)), 1)
        case 0x0A, 0x0D: return (.key(.named(.enter)), 1)
        case 0x01...0x1A: return (.key(.ctrl(Character(UnicodeScalar(byte + 0x60)))), 1)
        case 0x1B: return (.key(.named(.escape)), 1)
        case 0x1C...0x1F: return (.key(.ctrl(Character(UnicodeScalar(byte + 0x40)))), 1)
        case 0x20...0x7E: return (.key(.character(Character(UnicodeScalar(byte)))), 1)
        default:
            let length = byte >= 0xF8 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            // A byte that cannot start a character, or a start not followed by continuation bytes.
            if length == 1 { return (.key(.character("\u{FFFD}")), 1) }
            if let bad = buffer[(index + 1)..<min(buffer.count, index + length)].firstIndex(where: { $0 & 0xC0 != 0x80 }) {
                return (.key(.character("\u{FFFD}")), bad - index)
            }
            guard index + length <= buffer.count else {
                return final ? (.key(.character("\u{FFFD}")), buffer.count - index) : nil
            }
            let text = String(decoding: buffer[index..<index + length], as: UTF8.self)
            guard let character = text.first, text.count == 1 else { return (.key(.character("\u{FFFD}")), 1) }
            return (.key(.character(character)), length)
        }
    }

    private mutating func decodeCSI(at index: Int, final: Bool) -> (InputEvent?, Int)? {
        var end = index + 2
        while end < buffer.count, !(0x40...0x7E).contains(buffer[end]) {
            end += 1
            if end - index > 32 { return (nil, end - index) }  // junk: drop it
        }
        guard end < buffer.count else { return final ? (.key(Key(.character("["), alt: true)), 2) : nil }
        if buffer[index + 2] == 0x3C { return (mouse(buffer[(index + 3)..<end], final: buffer[end]), end - index + 1) }
        let parameters = String(decoding: buffer[(index + 2)..<end], as: UTF8.self).split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        let finalByte = buffer[end]
        let length = end - index + 1
        let modifier = parameters.count > 1 ? (parameters[1] ?? 1) - 1 : 0
        func key(_ named: NamedKey) -> InputEvent {
            .key(.named(named, shift: modifier & 1 != 0, control: modifier & 4 != 0, alt: modifier & 2 != 0))
        }
        switch finalByte {
        case 0x41: return (key(.up), length)
        case 0x42: return (key(.down), length)
        case 0x43: return (key(.right), length)
        case 0x44: return (key(.left), length)
        case 0x48: return (key(.home), length)
        case 0x46: return (key(.end), length)
        case 0x50: return (key(.f1), length)
        case 0x51: return (key(.f2), length)
        case 0x52:
            // `CSI row ; column R` answers a cursor-position request (a late one from measuring the
            // terminal); F3 with modifiers reads `CSI 1 ; modifier R`.
            if parameters.count == 2, (parameters[0] ?? 1) != 1 { return (nil, length) }
            return (key(.f3), length)
        case 0x53: return (key(.f4), length)
        case 0x5A: return (.key(.named(.tab, shift: true)), length)
        case 0x7E:
            let table: [Int: NamedKey] = [1: .home, 2: .insert, 3: .delete, 4: .end, 5: .pageUp, 6: .pageDown, 7: .home, 8: .end,
                                          11: .f1, 12: .f2, 13: .f3, 14: .f4, 15: .f5, 17: .f6, 18: .f7, 19: .f8,
                                          20: .f9, 21: .f10, 23: .f11, 24: .f12]
            let code = parameters.first.flatMap { $0 } ?? 0
            if code == 200 {
                pasted = []
                return (nil, length)
            }
            if code == 201 { return (nil, length) }
            return (table[code].map(key), length)
        case 0x75:  // CSI codepoint ; modifier u (terminals that report keys this way)
            guard let code = parameters.first.flatMap({ $0 }), let scalar = UnicodeScalar(code) else { return (nil, length) }
            var decoded = Key(.character(Character(scalar)), control: modifier & 4 != 0, alt: modifier & 2 != 0)
            if code == 27 { decoded = .named(.escape) } else if code == 13 { decoded = .named(.enter) } else if code == 9 { decoded = .named(.tab) } else if code == 127 { decoded = .named(.backspace) }
            return (.key(decoded), length)
        default:
            return (nil, length)
        }
    }

    /// An SGR mouse report, `CSI < button ; column ; row M` (`m` when a button comes up), with
    /// 32 added to the button for motion and 64 for the wheel; columns and rows count from 1.
    private func mouse(_ parameters: ArraySlice<UInt8>, final: UInt8) -> InputEvent? {
        let numbers = String(decoding: parameters, as: UTF8.self).split(separator: ";").compactMap { Int($0) }
        guard numbers.count == 3, final == 0x4D || final == 0x6D else { return nil }
        let (code, column, row) = (numbers[0], numbers[1] - 1, numbers[2] - 1)
        let button = code & 3, motion = code & 32 != 0, wheel = code & 64 != 0
        let action: MouseEvent.Action
        if wheel {
            action = button == 0 ? .wheelUp : button == 1 ? .wheelDown : .other
        } else if button != 0 {
            action = .other
        } else if final == 0x6D {
            action = .release
        } else {
            action = motion ? .drag : .press
        }
        return .mouse(MouseEvent(action, row: max(0, row), column: max(0, column)))
    }

    private func ss3(_ byte: UInt8) -> Key? {
        switch byte {
        case 0x41: .named(.up)
        case 0x42: .named(.down)
        case 0x43: .named(.right)
        case 0x44: .named(.left)
        case 0x48: .named(.home)
        case 0x46: .named(.end)
        case 0x50: .named(.f1)
        case 0x51: .named(.f2)
        case 0x52: .named(.f3)
        case 0x53: .named(.f4)
        case 0x4D: .named(.enter)
        default: nil
        }
    }
}
