/// One key press as the editor sees it, whatever bytes the terminal sent for it.
///
/// Printable keys carry their character as typed (`A` for Shift-a); modifiers apply to the rest.
public struct Key: Hashable, Sendable, CustomStringConvertible {
    /// What was pressed besides the modifiers.
    public enum Base: Hashable, Sendable {
        case character(Character)
        case named(NamedKey)
    }

    public var base: Base
    public var control: Bool
    public var alt: Bool
    public var shift: Bool

    public init(_ base: Base, control: Bool = false, alt: Bool = false, shift: Bool = false) {
        self.base = base
        self.control = control
        self.alt = alt
        self.shift = shift
    }

    /// A printable key (`"a"`, `"日"`, `" "`).
    public static func character(_ character: Character) -> Key { Key(.character(character)) }
    /// Control plus a letter or symbol, lower-cased (`ctrl("q")` is Ctrl-Q).
    public static func ctrl(_ character: Character) -> Key { Key(.character(Character(character.lowercased())), control: true) }
    /// A named key (arrows, Enter, F1…).
    public static func named(_ key: NamedKey, shift: Bool = false, control: Bool = false, alt: Bool = false) -> Key {
        Key(.named(key), control: control, alt: alt, shift: shift)
    }

    /// The character this key types, when it types one (no Control or Alt).
    public var typedCharacter: Character? {
        guard !control, !alt, case .character(let character) = base else { return nil }
        return character
    }

    /// The key's name as keymap files write it: `Ctrl-Q`, `Alt-x`, `Shift-Left`, `Space`, `a`.
    public var description: String {
        var name = ""
        if control { name += "Ctrl-" }
        if alt { name += "Alt-" }
        if shift { name += "Shift-" }
        switch base {
        case .character(" "): name += "Space"
        case .character(let character): name += control ? character.uppercased() : String(character)
        case .named(let key): name += key.rawValue
        }
        return name
    }
}

/// Keys with names rather than characters.
public enum NamedKey: String, CaseIterable, Hashable, Sendable {
    case up = "Up", down = "Down", left = "Left", right = "Right"
    case home = "Home", end = "End", pageUp = "PageUp", pageDown = "PageDown"
    case insert = "Insert", delete = "Delete", backspace = "Backspace"
    case enter = "Enter", tab = "Tab", escape = "Esc"
    case f1 = "F1", f2 = "F2", f3 = "F3", f4 = "F4", f5 = "F5", f6 = "F6"
    case f7 = "F7", f8 = "F8", f9 = "F9", f10 = "F10", f11 = "F11", f12 = "F12"
}

extension Key {
    /// Parses a key name as keymap files write it (`Ctrl-Q`, `ctrl-q`, `Alt-Backspace`, `Shift-Up`,
    /// `Space`, `a`, `$`, `-`). Returns nil for anything else.
    public init?(name: String) {
        var rest = Substring(name)
        var control = false, alt = false, shift = false
        while true {
            let lower = rest.lowercased()
            if lower.hasPrefix("ctrl-"), rest.count > 5 { control = true; rest = rest.dropFirst(5) }
            else if lower.hasPrefix("c-"), rest.count > 2 { control = true; rest = rest.dropFirst(2) }
            else if lower.hasPrefix("alt-"), rest.count > 4 { alt = true; rest = rest.dropFirst(4) }
            else if lower.hasPrefix("m-"), rest.count > 2 { alt = true; rest = rest.dropFirst(2) }
            else if lower.hasPrefix("shift-"), rest.count > 6 { shift = true; rest = rest.dropFirst(6) }
            else { break }
        }
        if let named = NamedKey.allCases.first(where: { $0.rawValue.lowercased() == rest.lowercased() }) {
            self.init(.named(named), control: control, alt: alt, shift: shift)
            return
        }
        let aliases: [String: NamedKey] = ["return": .enter, "escape": .escape, "pgup": .pageUp, "pgdn": .pageDown, "del": .delete, "bs": .backspace]
        if let named = aliases[rest.lowercased()] {
            self.init(.named(named), control: control, alt: alt, shift: shift)
            return
        }
        if rest.lowercased() == "space" {
            self.init(.character(" "), control: control, alt: alt, shift: shift)
            return
        }
        guard rest.count == 1, let character = rest.first, !shift else { return nil }
        guard character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return nil }
        // Control keys arrive without case (the terminal sends one byte for Ctrl-a and Ctrl-A).
        self.init(.character(control ? Character(character.lowercased()) : character), control: control, alt: alt)
    }
}

extension Key {
    /// Why no terminal sends this key as itself (a binding for it could never run), nil when one
    /// does. Terminals send one byte for Ctrl and a letter or one of `@ [ \ ] ^ _`, some of them the
    /// same byte as a named key.
    var whyNeverSent: String? {
        guard control, case .character(let character) = base else { return nil }
        let sameAs: String
        switch character {
        case "h": sameAs = "Backspace"
        case "i": sameAs = "Tab"
        case "j", "m": sameAs = "Enter"
        case "[": sameAs = "Esc"
        case "@": sameAs = "Ctrl-Space"
        case "/": sameAs = "Ctrl-_"
        case "a"..."z", " ", "\\", "]", "^", "_": return nil
        default: return "is not a key terminals send: Ctrl goes with a letter, Space or one of \\ ] ^ _"
        }
        return "reaches Weft as \(sameAs) (terminals send one byte for both): bind \(sameAs)"
    }
}
