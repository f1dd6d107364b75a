import Testing
import WeftCRDT
@testable import WeftEditor

/// One row of the grammar table: keys typed in vim's normal mode on `start` (`‸` marks the
/// cursor: it sits on the character after it), the text and cursor they leave, and how many
/// undo steps take the text back to `start` (vim: one per change, an insert session is one).
struct VimCase: CustomTestStringConvertible, Sendable {
    var start: String
    var keys: String
    var expected: String
    var undoSteps: Int?
    var checksCursor = true

    init(_ start: String, _ keys: String, _ expected: String, undo: Int? = nil, cursor: Bool = true) {
        self.start = start
        self.keys = keys
        self.expected = expected
        undoSteps = undo
        checksCursor = cursor
    }

    var testDescription: String { "\(keys) on \(start.debugDescription)" }

    static let marker: Character = "‸"

    /// The text without the marker, and the cursor's offset in scalars.
    static func split(_ marked: String) -> (text: String, cursor: Int) {
        guard let index = marked.firstIndex(of: marker) else { return (marked, 0) }
        let cursor = marked[..<index].unicodeScalars.count
        var text = marked
        text.remove(at: index)
        return (text, cursor)
    }

    /// `<Esc>`, `<CR>`, `<C-r>`, `<C-v>`, `<lt>` and plain characters, as keys.
    static func keys(_ notation: String) -> [Key] {
        var keys: [Key] = []
        var rest = Substring(notation)
        while let character = rest.first {
            if character == "<", let close = rest.firstIndex(of: ">"),
               case let name = rest[rest.index(after: rest.startIndex)..<close],
               ["Esc", "CR", "BS", "lt"].contains(name) || (name.hasPrefix("C-") && name.count == 3) {
                rest = rest[rest.index(after: close)...]
                switch name {
                case "Esc": keys.append(.named(.escape))
                case "CR": keys.append(.named(.enter))
                case "BS": keys.append(.named(.backspace))
                case "lt": keys.append(.character("<"))
                default: keys.append(.ctrl(name.last!))
                }
                continue
            }
            keys.append(.character(character))
            rest = rest.dropFirst()
        }
        return keys
    }
}

/// A vim-keymap editor driven by key notation.
struct VimHarness {
    var editor: Editor
    var now = 0.0

    init(_ marked: String, width: Int = 40, height: Int = 12) throws {
        let (text, cursor) = VimCase.split(marked)
        var replica = Replica(replicaID: ReplicaID(1))
        if !text.isEmpty { try replica.insert(text, at: 0) }
        let keymap = try Keymap.load("vim", from: .keymaps(config: nil))
        editor = Editor(replica: replica, keymap: keymap, settings: EditorSettings(userName: "me"), status: StatusInfo(document: "doc"))
        editor.resize(width: width, height: height)
        editor.moveCursor(to: cursor)
        _ = editor.takeBatches()
    }

    mutating func type(_ notation: String) {
        for key in VimCase.keys(notation) {
            editor.handle(key, now: now)
            now += 0.1
        }
    }

    /// The text with the cursor marked.
    var marked: String {
        var scalars = Array(editor.text.unicodeScalars)
        scalars.insert(VimCase.marker.unicodeScalars.first!, at: min(editor.cursorPosition, scalars.count))
        return String(String.UnicodeScalarView(scalars))
    }
}
