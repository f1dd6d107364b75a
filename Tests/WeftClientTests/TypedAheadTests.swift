import Foundation
import Testing
import WeftEditor
import WeftTerminal
import WeftTestSupport
@testable import WeftClient

/// Keys typed after `:e`, `:n` or `:p` handed to the next screen through an unlinked file.
@Suite struct TypedAheadTests {
    /// Seeded sequences of every kind of key (characters of every width, named keys, any
    /// modifiers), pastes whole and in parts, and mouse events: what comes back is the same, in
    /// order, without the mouse events.
    @Test(arguments: [1, 2, 3, 20261206] as [UInt64])
    func keysAndPastesComeBackInOrder(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let characters: [Character] = ["a", "Z", " ", "/", "-", "\u{7F}", "\u{1}", "é", "e\u{301}", "日", "🇯🇵", "👍🏽", "\""]
        for _ in 0..<50 {
            var events: [InputEvent] = []
            for _ in 0..<Int.random(in: 0..<40, using: &random) {
                switch Int.random(in: 0..<10, using: &random) {
                case 0: events.append(.paste(String(repeating: "line\r\n日本\t\"", count: Int.random(in: 0...50, using: &random))))
                case 1: events.append(.pastePart(String(repeating: "x", count: Int.random(in: 1...5_000, using: &random))))
                case 2: events.append(.mouse(MouseEvent(.press, row: 3, column: 4)))
                default:
                    let base: Key.Base = Bool.random(using: &random)
                        ? .character(characters.randomElement(using: &random)!)
                        : .named(NamedKey.allCases.randomElement(using: &random)!)
                    events.append(.key(Key(base, control: Bool.random(using: &random), alt: Bool.random(using: &random), shift: Bool.random(using: &random))))
                }
            }
            let expected = events.filter { if case .mouse = $0 { false } else { true } }
            #expect(TypedAhead.decode(TypedAhead.encode(events)) == expected, "seed \(seed)")
            guard let descriptor = TypedAhead.handOver(events) else {
                #expect(expected.isEmpty, "seed \(seed): nothing handed over")
                continue
            }
            #expect(TypedAhead.take(from: descriptor) == expected, "seed \(seed)")
        }
    }

    /// A number on the command line that names something else open (a file someone can open
    /// by name, standard input) is not read as keys.
    @Test func onlyAnUnlinkedFileIsTaken() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("typed-ahead-\(UUID())").path
        defer { unlink(path) }
        try Data(TypedAhead.encode([.key(.character("x"))])).write(to: URL(fileURLWithPath: path))
        let named = open(path, O_RDONLY)
        #expect(named >= 0)
        #expect(TypedAhead.take(from: named).isEmpty)
        #expect(TypedAhead.decode(Array("not json".utf8)).isEmpty)
    }
}
