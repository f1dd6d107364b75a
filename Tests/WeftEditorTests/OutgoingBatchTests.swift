import Foundation
import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport
@testable import WeftEditor

/// What the editor hands the sync layer between two takes is one batch, whatever was done in
/// between: seeded random keys, pastes, undo and redo in both keymaps, with others' edits
/// arriving meanwhile, taken at random moments. Each batch is cut to a random size limit as the
/// queue cuts it, encoded and decoded as it travels, and applied to another replica, which must
/// then hold the editor's text. `WEFT_FUZZ_ROUNDS` scales the run (CI: 120, 4,000 steps a keymap).
@Suite("Outgoing batches against another replica", .ownThread)
struct OutgoingBatchTests {
    static let sessions = max(1, (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) / 12)
    static let steps = 400

    @Test("every take is at most one batch, and the other replica ends with the same text", arguments: ["default", "vim"], 0..<sessions)
    func takes(keymap: String, session number: Int) throws {
        var session = try BatchSession(keymap: keymap, seed: (keymap == "vim" ? 0xB7_0000 : 0xBD_0000) + UInt64(number))
        try session.drive(steps: Self.steps)
    }

    @Test("a line typed key by key is one insertion; backspacing over it one deletion")
    func typingIsOneOp() throws {
        var harness = try EditorHarness("x", keymap: "vim", width: 40)
        harness.type("Ahello world")
        let typed = harness.editor.takeBatches()
        #expect(typed.count == 1 && typed[0].count == 1, "\(typed)")
        for _ in 0..<5 { harness.press("Backspace") }
        let erased = harness.editor.takeBatches()
        #expect(erased.count == 1 && erased[0].count == 1 && harness.text == "xhello ", "\(erased)")
    }
}

private struct BatchSession {
    var editor: Editor
    var peer: Replica
    var random: SeededGenerator
    var now = 0.0
    /// Keys and pastes since the last take, for the failure message.
    var since: [String] = []

    init(keymap name: String, seed: UInt64) throws {
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert("one two\nthree four\n", at: 0)
        let keymap = try Keymap.load(name, from: .keymaps(config: nil))
        editor = Editor(replica: replica, keymap: keymap, settings: EditorSettings(userName: "me"), status: StatusInfo(document: "doc"))
        editor.resize(width: 30, height: 8)
        peer = try Replica(snapshot: replica.encodeSnapshot(), replicaID: ReplicaID(2))
        random = SeededGenerator(seed: seed)
    }

    mutating func drive(steps: Int) throws {
        for step in 0..<steps {
            now += Int.random(in: 0..<6, using: &random) == 0 ? 2 : 0.05
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<8: try othersEdit()
            case 8..<20:
                if let problem = try take() {
                    Issue.record("seed \(random.seed), step \(step), after \(since): \(problem)")
                    return
                }
                since = []
            default: press()
            }
        }
    }

    /// Sends what the editor made to the peer, cut under a random limit and through the codec.
    mutating func take() throws -> String? {
        let batches = editor.takeBatches()
        guard batches.count <= 1 else { return "\(batches.count) batches in one take" }
        let limit = Int.random(in: OpCodec.minimumSplitBytes...2048, using: &random)
        for batch in batches {
            for piece in OpCodec.split(batch, maxBytes: limit) {
                let bytes = OpCodec.encode(piece)
                guard bytes.count <= limit else { return "a piece of \(bytes.count) bytes over the limit of \(limit)" }
                try peer.apply(try OpCodec.decode(bytes))
            }
        }
        guard peer.text == editor.text else { return "the other replica holds \(peer.text.debugDescription), the editor \(editor.text.debugDescription)" }
        return nil
    }

    /// Another person types or deletes a little; it reaches the editor at once.
    mutating func othersEdit() throws {
        let count = peer.count
        let op: Op?
        if count > 0, Bool.random(using: &random) {
            let start = Int.random(in: 0..<count, using: &random)
            op = try peer.delete(start..<min(count, start + Int.random(in: 1...4, using: &random)))
        } else {
            op = try peer.insert(["Z", "zz\n", "日本", "🙂"].randomElement(using: &random)!, at: Int.random(in: 0...count, using: &random))
        }
        if let op { try editor.applyRemote([op]) }
        since.append("others' edit")
    }

    mutating func press() {
        let vim = editor.keymap.name == "vim"
        let roll = Int.random(in: 0..<100, using: &random)
        if roll < 4 {
            let text = String(repeating: ["ab", "c\nd", "日本\n", "\t"].randomElement(using: &random)!, count: Int.random(in: 1...300, using: &random))
            editor.paste(text, now: now)
            since.append("paste of \(text.count)")
            return
        }
        let name: String
        if vim {
            name = editor.mode == "insert"
                ? (roll < 60 ? ["a", "b", " ", "é", "日"].randomElement(using: &random)! : ["Enter", "Backspace", "Ctrl-W", "Left", "Down", "Esc", "Esc"].randomElement(using: &random)!)
                : ["i", "a", "o", "A", "x", "X", "dd", "dw", "p", "P", "u", "u", "Ctrl-R", "h", "j", "k", "l", "w", "b", "G", "gg", "yy", ".", "3x"].randomElement(using: &random)!
        } else {
            name = roll < 60
                ? ["a", "b", " ", "é", "日"].randomElement(using: &random)!
                : ["Enter", "Backspace", "Delete", "Ctrl-Z", "Ctrl-Y", "Left", "Right", "Up", "Down", "Home", "End", "Ctrl-K", "Shift-Right", "Ctrl-X", "Ctrl-V"].randomElement(using: &random)!
        }
        since.append(name)
        if name.count > 1, Key(name: name) == nil {
            for character in name { editor.handle(.character(character), now: now) }
        } else if name.count == 1 || name.unicodeScalars.count == 1 {
            editor.handle(.character(Character(name)), now: now)
        } else {
            editor.handle(Key(name: name)!, now: now)
        }
    }
}
