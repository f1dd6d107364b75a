import WeftCRDT
import WeftEditor
import WeftWire

/// An editor on a local replica, driven by key names, for frame-level tests.
struct EditorHarness {
    var editor: Editor
    var now = 0.0

    init(_ text: String = "", keymap: String = "default", width: Int = 20, height: Int = 8, wrap: Bool = true, replica id: UInt64 = 1) throws {
        var replica = Replica(replicaID: ReplicaID(id))
        if !text.isEmpty { try replica.insert(text, at: 0) }
        let map = try Keymap.load(keymap, from: .keymaps(config: nil))
        editor = Editor(replica: replica, keymap: map, settings: EditorSettings(wrap: wrap, userName: "me"), status: StatusInfo(document: "doc"))
        editor.resize(width: width, height: height)
        _ = editor.takeBatches()
    }

    /// Presses keys by name, separated by spaces (`"Ctrl-K Down"`); time moves 0.1 s per key.
    mutating func press(_ names: String) {
        for name in names.split(separator: " ") {
            guard let key = Key(name: String(name)) else { fatalError("not a key name: \(name)") }
            editor.handle(key, now: now)
            now += 0.1
        }
    }

    /// Types `text` one key at a time.
    mutating func type(_ text: String) {
        for character in text {
            editor.handle(character == "\n" ? .named(.enter) : .character(character), now: now)
            now += 0.1
        }
    }

    var lines: [String] { editor.frame().lines }
    /// The screen's rows from `row` down, joined with spaces: a message wrapped over several rows
    /// reads as one again (it breaks at spaces).
    func rows(from row: Int) -> String { lines[row...].joined(separator: " ") }
    var text: String { editor.text }
    var cursor: Int { editor.cursorPosition }
}
