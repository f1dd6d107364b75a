import Testing
import WeftTestTraits
import WeftTestSupport
@testable import WeftCRDT

/// The text arena against its model, an array of scalars: seeded appends of ASCII, Latin-1, CJK,
/// emoji and line feeds (so that it widens at a random point or never), cuts of a failed apply,
/// reloads as from a snapshot (ASCII taken as it is, the rest decoded), and after every step every scalar, line-feed count and UTF-8 encoding of a random slice is
/// the model's.
@Suite(.ownThread) struct ScalarArenaTests {
    static let pieces = ["a", "hello world\n", "\n", "é", "ÿ\u{80}", "naïve\n", "日本", "👍🏽", "\u{FFFD}", String(repeating: "x", count: 300)]

    @Test(arguments: [1, 2, 3, 0xA7E4A, 20261203] as [UInt64])
    func everyScalarAndSliceIsTheModels(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var arena = ScalarArena()
        var model: [Unicode.Scalar] = []
        // Some seeds stay narrow for long, some widen early.
        let wideChance = Int.random(in: 5...200, using: &random)
        for step in 0..<600 {
            if !model.isEmpty, Int.random(in: 0..<10, using: &random) == 0 {
                let cut = Int.random(in: 1...min(model.count, 50), using: &random)
                arena.removeLast(cut)
                model.removeLast(cut)
            } else if Int.random(in: 0..<25, using: &random) == 0 {
                let ascii = model.allSatisfy(\.isASCII)
                arena = ascii ? ScalarArena(ascii: ArraySlice(model.map { UInt8($0.value) })) : ScalarArena(decoding: model)
            } else {
                var piece = Self.pieces[Int.random(in: 0..<6, using: &random)]
                if Int.random(in: 0..<wideChance, using: &random) == 0 { piece = Self.pieces[Int.random(in: 6..<Self.pieces.count, using: &random)] }
                let newlines = arena.append(piece)
                #expect(newlines == piece.unicodeScalars.filter { $0 == "\n" }.count, "seed \(seed) step \(step): line feeds of \(piece.debugDescription)")
                model.append(contentsOf: piece.unicodeScalars)
            }
            #expect(arena.count == model.count, "seed \(seed) step \(step): \(arena.count) scalars, the model \(model.count)")
            #expect(arena.isWide || !model.contains { $0.value >= 0x100 }, "seed \(seed) step \(step): narrow with a wide scalar")
            guard !model.isEmpty else { continue }
            let lower = Int.random(in: 0..<model.count, using: &random)
            let upper = Int.random(in: lower...model.count, using: &random)
            var utf8: [UInt8] = []
            arena.slice(lower..<upper).appendUTF8(to: &utf8)
            let expected = Array(String(String.UnicodeScalarView(model[lower..<upper])).utf8)
            #expect(utf8 == expected, "seed \(seed) step \(step): UTF-8 of \(lower)..<\(upper)")
            #expect(Array(arena.slice(lower..<upper)) == Array(model[lower..<upper]), "seed \(seed) step \(step): scalars of \(lower)..<\(upper)")
            #expect(arena.newlines(in: lower..<upper) == model[lower..<upper].filter { $0 == "\n" }.count, "seed \(seed) step \(step): line feeds in \(lower)..<\(upper)")
            let skipping = Int.random(in: 0...3, using: &random)
            let lineFeed = model[lower..<upper].indices.filter { model[$0] == "\n" }.dropFirst(skipping).first
            #expect(arena.newline(skipping, in: lower..<upper) == lineFeed, "seed \(seed) step \(step): line feed \(skipping) in \(lower)..<\(upper)")
            let offset = Int.random(in: 0..<model.count, using: &random)
            #expect(arena[offset] == model[offset], "seed \(seed) step \(step): scalar \(offset)")
        }
    }

    /// A document of ASCII and Latin-1 keeps a byte a scalar through a snapshot; the first scalar
    /// from U+0100 on widens it, and the text stays the same.
    @Test func narrowUntilAWideScalarArrives() throws {
        var replica = Replica(replicaID: ReplicaID(1))
        _ = try replica.insert("café\nnaïve\n", at: 0)
        #expect(!replica.arena.isWide)
        let loaded = try Replica(snapshot: replica.encodeSnapshot(), replicaID: ReplicaID(2))
        #expect(!loaded.arena.isWide && loaded.text == "café\nnaïve\n")
        _ = try replica.insert("日本 👍🏽", at: 5)
        #expect(replica.arena.isWide && replica.text == "café\n日本 👍🏽naïve\n")
        replica.checkInvariants()
    }
}
