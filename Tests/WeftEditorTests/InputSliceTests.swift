import Foundation
import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport
@testable import WeftEditor

/// Keys handled in input slices (the view kept once a slice after keys that only type) against
/// the same keys handled one by one (the view kept after each): seeded random typing, Enter, Tab,
/// deletions, moves, paging, pastes and vim commands, cut into slices at random, in documents of
/// short and long wrapped lines on screens of random sizes. After every slice the two screens,
/// cursors and texts must be the same. `WEFT_FUZZ_ROUNDS` scales the run (CI: 120, 400 slices a
/// keymap). Text that narrows what is before it (a variation selector) is left out: typed at a
/// row's start it may pull the cursor's row up, where a view kept at every key stays put.
@Suite("Input slices against keys one by one", .ownThread)
struct InputSliceTests {
    static let sessions = max(1, (Int(ProcessInfo.processInfo.environment["WEFT_FUZZ_ROUNDS"] ?? "") ?? 120) / 30)
    static let steps = 100

    @Test("the screen after each slice is the screen after the same keys one by one", arguments: ["default", "vim"], 0..<sessions)
    func slicesDrawAsKeysOneByOne(keymap: String, session number: Int) throws {
        var random = SeededGenerator(seed: (keymap == "vim" ? 0x5A_0000 : 0x5D_0000) + UInt64(number))
        let lines = (0..<Int.random(in: 1...80, using: &random)).map { index in
            String(repeating: index % 7 == 3 ? "long 日本 words " : "w", count: Int.random(in: 0...(index % 7 == 3 ? 40 : 12), using: &random))
        }
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert(lines.joined(separator: "\n"), at: 0)
        let map = try Keymap.load(keymap, from: .keymaps(config: nil))
        let width = Int.random(in: 8...60, using: &random), height = Int.random(in: 4...30, using: &random)
        let wrap = Int.random(in: 0..<8, using: &random) != 0
        func editor() -> Editor {
            var editor = Editor(replica: replica, keymap: map, settings: EditorSettings(wrap: wrap, userName: "me"), status: StatusInfo(document: "doc"))
            editor.resize(width: width, height: height)
            return editor
        }
        var sliced = editor(), oneByOne = editor()
        var now = 0.0
        var keys: [String] = []
        for step in 0..<Self.steps {
            let slice = (0..<Int.random(in: 1...40, using: &random)).map { _ in Self.input(keymap: keymap, mode: oneByOne.mode, using: &random) }
            sliced.beginInputSlice()
            for input in slice {
                now += 0.01
                input.apply(to: &sliced, now: now)
                input.apply(to: &oneByOne, now: now)
            }
            sliced.endInputSlice()
            keys += slice.map(\.name) + ["|"]
            guard sliced.frame().lines == oneByOne.frame().lines, sliced.cursorPosition == oneByOne.cursorPosition, sliced.text == oneByOne.text else {
                Issue.record("""
                    seed \(random.seed), step \(step), \(width)×\(height)\(wrap ? "" : ", not wrapped"): the screens differ after \(keys.suffix(120).joined(separator: " "))
                    in slices:\n\(sliced.frame().lines.joined(separator: "\\n"))
                    one by one:\n\(oneByOne.frame().lines.joined(separator: "\\n"))
                    """)
                return
            }
        }
    }

    private enum Input {
        case key(Key, String)
        case paste(String)

        var name: String {
            switch self {
            case .key(_, let name): name
            case .paste(let text): "paste(\(text.count))"
            }
        }

        func apply(to editor: inout Editor, now: Double) {
            switch self {
            case .key(let key, _): editor.handle(key, now: now)
            case .paste(let text): editor.paste(text, now: now)
            }
        }
    }

    /// Mostly typing (a paste arriving as keys), now and then anything else.
    private static func input(keymap: String, mode: String, using random: inout SeededGenerator) -> Input {
        let roll = Int.random(in: 0..<100, using: &random)
        if roll < 55 { return character(["a", "b", " ", "日", "x"].randomElement(using: &random)!) }
        if roll < 70 { return named("Enter") }
        if roll < 73 { return named("Tab") }
        if roll < 75 { return .paste(String(repeating: "p\n", count: Int.random(in: 1...40, using: &random))) }
        if keymap == "vim", mode != "insert" {
            return [character("i"), character("o"), character("A"), character("j"), character("k"), character("G"), character("x"), named("Ctrl-F"), named("Ctrl-B")]
                .randomElement(using: &random)!
        }
        return [named("Backspace"), named("Up"), named("Down"), named("Left"), named("PageDown"), named("PageUp"), named(keymap == "vim" ? "Esc" : "Ctrl-End"),
                named(keymap == "vim" ? "Esc" : "Ctrl-Home"), named("Delete")].randomElement(using: &random)!
    }

    private static func character(_ character: Character) -> Input { .key(.character(character), String(character)) }
    private static func named(_ name: String) -> Input { .key(Key(name: name)!, name) }
}
