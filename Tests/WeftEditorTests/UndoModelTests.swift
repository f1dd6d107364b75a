import Foundation
import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport
@testable import WeftEditor

/// Undo and redo against `UndoModel`: seeded random sequences of every kind of local edit, with
/// others' edits and the replica replaced by a copy of itself in between, checked after every step: the text, and that no character kept on
/// screen was typed anew. Sessions of 320 steps keep the document small, so time grows with the
/// number of steps only. `WEFT_FUZZ_ROUNDS` scales the run (CI: 120, 4,800 steps a keymap).
@Suite("Undo against a model", .ownThread)
struct UndoModelTests {
    static let sessions = max(1, (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) / 8)
    static let steps = 320

    @Test("default keymap: typing bursts, deletions, selections, cut, copy, paste, others' edits", arguments: 0..<sessions)
    func defaultKeymap(session number: Int) throws {
        var session = try UndoSession(keymap: "default", seed: 0xD0_0000 + UInt64(number))
        try session.drive(steps: Self.steps)
    }

    @Test("vim keymap: normal-mode edits one step each, an insert one step, others' edits", arguments: 0..<sessions)
    func vimKeymap(session number: Int) throws {
        var session = try UndoSession(keymap: "vim", seed: 0x71_0000 + UInt64(number))
        try session.drive(steps: Self.steps)
    }
}

/// One editor, one remote replica kept in step with it, and the model, driven by one seed.
private struct UndoSession {
    var editor: Editor
    var remote: Replica
    var model: UndoModel
    var random: SeededGenerator
    var now = 0.0
    var nextScalar: UInt32 = 0xF0000
    /// When the last own edit was recorded and whether it was typing (the default keymap's bursts).
    var lastTyping: (Bool, Double)?
    /// The vim keymap's insert: open, and whether its group is on the stack yet.
    var insertOpen = false
    var insertStarted = false
    let vim: Bool

    init(keymap name: String, seed: UInt64) throws {
        let start = "one two\nthree"
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert(start, at: 0)
        let keymap = try Keymap.load(name, from: .keymaps(config: nil))
        editor = Editor(replica: replica, keymap: keymap, settings: EditorSettings(userName: "me"), status: StatusInfo(document: "doc"))
        editor.resize(width: 24, height: 8)
        remote = try Replica(snapshot: replica.encodeSnapshot(), replicaID: ReplicaID(2))
        model = UndoModel(text: start)
        _ = model.readIDs(from: editor.replica)
        random = SeededGenerator(seed: seed)
        vim = name == "vim"
    }

    mutating func drive(steps: Int) throws {
        for step in 0..<steps {
            let before = editor.text
            let action = try act()
            let problem = check()
            if let problem {
                Issue.record("seed \(random.seed), step \(step), \(action): \(problem)\nbefore: \(before.debugDescription)\nafter:  \(editor.text.debugDescription)\nmodel:  \(model.text.debugDescription)")
                return
            }
        }
    }

    private mutating func check() -> String? {
        guard editor.text == model.text else { return "the text differs from the model's" }
        let retyped = model.readIDs(from: editor.replica)
        guard retyped.isEmpty else { return "characters \(retyped) stayed on screen but were typed anew" }
        return nil
    }

    private mutating func scalar() -> Character {
        defer { nextScalar += 1 }
        if Int.random(in: 0..<8, using: &random) == 0 { return " " }
        return Character(Unicode.Scalar(nextScalar)!)
    }

    /// One random step; returns what it was, for the failure message.
    private mutating func act() throws -> String {
        now += Int.random(in: 0..<5, using: &random) == 0 ? 2.0 : 0.1
        let roll = Int.random(in: 0..<100, using: &random)
        if roll < 9 { return try remoteEdit() }
        if roll < 10 { return try replaceWithCopy() }
        if roll < 22 { return undo(redoing: false) }
        if roll < 30 { return undo(redoing: true) }
        if roll < 33 {
            var pasted = String((0..<Int.random(in: 1...4, using: &random)).map { _ in scalar() })
            if Bool.random(using: &random) { pasted.insert("\n", at: pasted.index(pasted.startIndex, offsetBy: Int.random(in: 0...pasted.count, using: &random))) }
            let typed = pasted
            try edit(typing: false) { $0.paste(typed, now: $1) }
            closeBurst()
            return "paste \(pasted.debugDescription)"
        }
        return vim ? try vimKey() : try defaultKey()
    }

    private mutating func defaultKey() throws -> String {
        let selecting = editor.selection != nil
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<34:
            let character = scalar()
            try edit(typing: !selecting) { $0.handle(.character(character), now: $1) }
            return "type \(character.debugDescription)"
        case 34..<40: return try press("Enter", typing: false)
        case 40..<42: return try press("Tab", typing: !selecting)
        case 42..<52: return try press("Backspace", typing: !selecting)
        case 52..<58: return try press("Delete", typing: !selecting)
        case 58..<61: return try press("Alt-Backspace", typing: false)
        case 61..<64: return try press("Ctrl-K", typing: false)
        case 64..<67: return try press("Ctrl-X", typing: false)
        case 67..<69: return try press("Ctrl-C", typing: false)
        case 69..<73: return try press("Ctrl-V", typing: false)
        case 73..<84:
            return try press(["Shift-Left", "Shift-Right", "Shift-Up", "Shift-Down", "Shift-Home", "Shift-End"].randomElement(using: &random)!, typing: false)
        default:
            return try press(["Left", "Right", "Up", "Down", "Home", "End", "Ctrl-Left", "Ctrl-Right", "Ctrl-Home", "Ctrl-End", "Esc"].randomElement(using: &random)!, typing: false)
        }
    }

    private mutating func vimKey() throws -> String {
        if editor.mode == "visual" { return try press("Esc", typing: false) }
        if editor.mode == "insert" {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<55:
                let character = scalar()
                try edit(typing: true) { $0.handle(.character(character), now: $1) }
                return "type \(character.debugDescription)"
            case 55..<62: return try press("Enter", typing: true)
            case 62..<72: return try press("Backspace", typing: true)
            case 72..<76: return try press("Ctrl-W", typing: true)
            case 76..<84: return try press(["Left", "Right", "Up", "Down"].randomElement(using: &random)!, typing: false, splitsInsert: true)
            default: return try press("Esc", typing: false, endsInsert: true)
            }
        }
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<12: return try press(["i", "a", "A", "I", "o", "O"].randomElement(using: &random)!, typing: false, startsInsert: true)
        case 12..<24: return try press("x", typing: false)
        case 24..<32: return try press("X", typing: false)
        case 32..<38: return try keys(["d", "d"])
        case 38..<42: return try keys(["d", "w"])
        case 42..<45: return try press("D", typing: false)
        case 45..<52: return try press(["p", "P"].randomElement(using: &random)!, typing: false)
        case 52..<56: return try keys(["y", "y"])
        case 56..<60: return try keys(["v", "l", "d"])
        default:
            return try press(["h", "j", "k", "l", "w", "b", "e", "0", "$", "G"].randomElement(using: &random)!, typing: false)
        }
    }

    /// Presses `name`: an edit that joins the last group when `typing` within a burst (default
    /// keymap), or when a vim insert is open and started.
    private mutating func press(_ name: String, typing: Bool, startsInsert: Bool = false, endsInsert: Bool = false, splitsInsert: Bool = false) throws -> String {
        let key = Key(name: name)!
        let isCommand = editor.keymap.match([key], in: editor.mode) != .unbound
        if isCommand, !["Backspace", "Delete"].contains(name) { closeBurst() }
        if startsInsert { insertOpen = true; insertStarted = false }
        if endsInsert || splitsInsert { insertStarted = false; insertOpen = !endsInsert }
        try edit(typing: typing) { $0.handle(key, now: $1) }
        return name
    }

    private mutating func keys(_ names: [String]) throws -> String {
        closeBurst()
        let keys = names.map { Key(name: $0)! }
        try edit(typing: false) { editor, now in
            for key in keys { editor.handle(key, now: now) }
        }
        return names.joined(separator: " ")
    }

    private mutating func closeBurst() { lastTyping = nil }

    /// Runs `body` on the editor; if it edited, tells the model what was removed and typed, taken
    /// from the batch it made (one deletion, one insertion: every edit command is one replacement).
    private mutating func edit(typing: Bool, _ body: (inout Editor, Double) -> Void) throws {
        body(&editor, now)
        let ops = editor.takeBatches().flatMap { $0 }
        guard !ops.isEmpty else { return }
        var removed: [Int] = []
        var typed: [Unicode.Scalar] = []
        var position = 0
        for op in ops {
            switch op {
            case .delete(let deletion):
                for span in deletion.spans {
                    for offset in 0..<span.length {
                        removed.append(model.identity(ofID: CharID(replica: span.start.replica, counter: span.start.counter + offset))!)
                    }
                }
            case .insert(let insertion):
                typed = Array(insertion.text.unicodeScalars)
                position = editor.replica.position(of: .before(insertion.id))!
            }
        }
        let steps = model.localEdit(removing: removed, typing: typed, at: position)
        let joins: Bool
        if vim {
            joins = insertOpen && insertStarted
            if insertOpen { insertStarted = true }
        } else {
            joins = typing && lastTyping.map { $0.0 && now - $0.1 <= editor.settings.undoBurstSeconds } == true
        }
        model.record(steps, joiningLast: joins)
        lastTyping = (typing, now)
        _ = try remote.apply(ops)
    }

    private mutating func undo(redoing: Bool) -> String {
        closeBurst()
        insertOpen = false
        // Leave insert (ending it) or visual mode (where u is not undo, as in vim) first.
        if vim, editor.mode != "normal" { editor.handle(.named(.escape), now: now) }
        editor.handle(Key(name: vim ? (redoing ? "Ctrl-R" : "u") : (redoing ? "Ctrl-Y" : "Ctrl-Z"))!, now: now)
        model.undo(redoing: redoing)
        for ops in editor.takeBatches() { _ = try? remote.apply(ops) }
        return redoing ? "redo" : "undo"
    }

    /// The session hands the editor a replica holding the same characters (the relay lost its
    /// data and was given this copy back, or sent a snapshot): undo and redo go on as before.
    private mutating func replaceWithCopy() throws -> String {
        editor.replaceReplica(try Replica(snapshot: editor.replica.encodeSnapshot(), replicaID: editor.replica.replicaID))
        return "the replica replaced by a copy of it"
    }

    private mutating func remoteEdit() throws -> String {
        let count = remote.count
        if count > 0, Int.random(in: 0..<3, using: &random) == 0 {
            let start = Int.random(in: 0..<count, using: &random)
            let range = start..<min(count, start + Int.random(in: 1...3, using: &random))
            let op = try remote.delete(range)!
            try editor.applyRemote([op])
            model.delete(range)
            return "others delete \(range)"
        }
        let position = Int.random(in: 0...count, using: &random)
        var text = String((0..<Int.random(in: 1...3, using: &random)).map { _ in scalar() })
        if Int.random(in: 0..<4, using: &random) == 0 { text += "\n" }
        let op = try remote.insert(text, at: position)!
        try editor.applyRemote([op])
        model.insert(Array(text.unicodeScalars), at: position)
        return "others type \(text.debugDescription) at \(position)"
    }
}
