/// Which command each key (or key sequence) runs, per mode. Loaded from `Keymaps/*.toml`.
public struct Keymap: Sendable {
    /// The keymap's name (its file name without `.toml`).
    public var name: String
    /// The modes, in order; the editor starts in the first.
    public var modes: [String]
    /// Modes in which a printable key that is not bound types itself.
    public var typingModes: Set<String>
    /// Modes whose cursor sits on a character rather than between two (vim's normal mode).
    public var blockCursorModes: Set<String>
    /// Key sequences to commands, per mode.
    public var bindings: [String: [[Key]: EditorCommand]]
    /// The file's one-line description (the help page's first line).
    public var description: String?

    public init(name: String, modes: [String], typingModes: Set<String>, blockCursorModes: Set<String> = [], bindings: [String: [[Key]: EditorCommand]]) {
        self.name = name
        self.modes = modes
        self.typingModes = typingModes
        self.blockCursorModes = blockCursorModes
        self.bindings = bindings
    }

    /// What a sequence of keys means in `mode`.
    public enum Match: Equatable, Sendable {
        case command(EditorCommand)
        /// The keys start a longer binding: wait for the next key.
        case prefix
        /// Not bound (a printable key in a typing mode types itself).
        case unbound
    }

    public func match(_ keys: [Key], in mode: String) -> Match {
        guard let table = bindings[mode] else { return .unbound }
        if let command = table[keys] { return .command(command) }
        if table.keys.contains(where: { $0.count > keys.count && Array($0.prefix(keys.count)) == keys }) { return .prefix }
        return .unbound
    }

    /// The simplest key sequence bound to `command` in `mode`, for hints on the screen: the
    /// fewest keys, then the shortest names (plain before Ctrl- and Alt-), lower case before upper.
    public func keys(for command: EditorCommand, in mode: String) -> [Key]? {
        func rank(_ keys: [Key]) -> (Int, Int, String, Int) {
            let name = keys.keyNames
            return (keys.count, name.count, name.lowercased(), name == name.lowercased() ? 0 : 1)
        }
        return bindings[mode]?.filter { $0.value == command }.map(\.key).min { rank($0) < rank($1) }
    }

    /// Whether `mode` types unbound printable keys.
    public func types(in mode: String) -> Bool { typingModes.contains(mode) }

    /// Whether some modes type and others do not (vim's), so Esc switches between them.
    public var isModal: Bool { modes.contains { types(in: $0) } && modes.contains { !types(in: $0) } }
}

extension Array where Element == Key {
    /// The sequence as keymap files write it: names separated by spaces.
    public var keyNames: String { map(\.description).joined(separator: " ") }
}
