import Testing
import WeftCRDT
import WeftTestSupport

/// The editing and reading API against a plain array of scalars as the model.
@Suite struct LocalEditTests {
    @Test func positionsCountUnicodeScalars() throws {
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert("e\u{301}👍🏽x", at: 0)  // e + combining acute, thumbs up + skin tone, x
        #expect(replica.count == 5)
        try replica.delete(1..<2)
        #expect(replica.text == "e👍🏽x")
        try replica.insert("日本", at: 3)
        #expect(replica.text == "e👍🏽日本x")
        #expect(replica.scalar(at: 3) == "日")
    }

    /// Whether `edit` fails with `positionOutOfBounds`.
    func outOfBounds(_ edit: () throws -> Op?) -> Bool {
        do {
            _ = try edit()
            return false
        } catch let error as CRDTError {
            return error.code == .positionOutOfBounds
        } catch {
            return false
        }
    }

    @Test func outOfBoundsEditsThrowAndChangeNothing() throws {
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert("abc", at: 0)
        #expect(outOfBounds { try replica.insert("x", at: 4) })
        #expect(outOfBounds { try replica.insert("x", at: -1) })
        #expect(outOfBounds { try replica.delete(2..<4) })
        do {
            try replica.delete(1..<9)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .positionOutOfBounds)
        }
        #expect(replica.text == "abc")
        #expect(try replica.insert("", at: 1) == nil)
        #expect(try replica.delete(1..<1) == nil)
    }

    @Test(arguments: [UInt64(5), 6, 7])
    func randomEditsMatchAPlainArray(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var replica = Replica(replicaID: ReplicaID(seed))
        var model: [Unicode.Scalar] = []
        let pieces = ["a", "bc", "\n", "line\n", "é", "👍🏽", "\n\n", "xyz"]
        for step in 0..<1500 {
            if !model.isEmpty, Int.random(in: 0..<3, using: &random) == 0 {
                let start = Int.random(in: 0..<model.count, using: &random)
                let end = min(model.count, start + Int.random(in: 1...8, using: &random))
                try replica.delete(start..<end)
                model.removeSubrange(start..<end)
            } else {
                let position = Int.random(in: 0...model.count, using: &random)
                let text = pieces.randomElement(using: &random)!
                try replica.insert(text, at: position)
                model.insert(contentsOf: text.unicodeScalars, at: position)
            }
            if step % 50 == 0 {
                replica.checkInvariants()
                for _ in 0..<20 {
                    let position = Int.random(in: 0...model.count + 1, using: &random)
                    let expected = model.indices.first { $0 >= position && model[$0] == "\n" } ?? model.count
                    #expect(replica.nextLineFeed(from: position) == expected, "seed \(seed) step \(step): line feed from \(position)")
                }
            }
        }
        let expected = String(String.UnicodeScalarView(model))
        #expect(replica.text == expected, "seed \(seed)")
        #expect(replica.count == model.count)
        // Lines, as `split` sees them.
        let lines = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(replica.lineCount == lines.count, "seed \(seed)")
        for (index, line) in lines.enumerated() {
            #expect(replica.line(index) == line, "seed \(seed) line \(index)")
        }
        // Ranges and positions.
        for _ in 0..<200 {
            let lower = Int.random(in: 0...model.count, using: &random)
            let upper = Int.random(in: lower...model.count, using: &random)
            #expect(replica.text(in: lower..<upper) == String(String.UnicodeScalarView(model[lower..<upper])), "seed \(seed)")
            let line = model[..<lower].filter { $0 == "\n" }.count
            #expect(replica.line(containing: lower) == line, "seed \(seed) position \(lower)")
        }
        replica.checkInvariants()
    }

    /// A long paste is stored as several runs (line lookups scan inside runs), yet it stays one op,
    /// merges remotely and survives a snapshot with the same text, lines and ids.
    @Test func longPastesStayOneOpAndReadTheSameEverywhere() throws {
        var random = SeededGenerator(seed: 41)
        let lines = (0..<400).map { index in String(repeating: "abcdé日", count: Int.random(in: 0...40, using: &random)) + "\(index)" }
        let pasted = lines.joined(separator: "\n")
        var alice = Replica(replicaID: ReplicaID(1))
        let brackets = try #require(try alice.insert("[]", at: 0))
        let paste = try #require(try alice.insert(pasted, at: 1))
        // A burst typed right after the paste continues it.
        var typed: [Op] = []
        for (offset, character) in "tail\nend".enumerated() {
            typed.append(try #require(try alice.insert(String(character), at: 1 + pasted.unicodeScalars.count + offset)))
        }
        alice.checkInvariants()
        let expected = "[" + pasted + "tail\nend]"
        #expect(alice.text == expected)

        let restored = try Replica(snapshot: alice.encodeSnapshot(), replicaID: ReplicaID(4))
        var bob = Replica(replicaID: ReplicaID(2))
        var fromEnd = Replica(replicaID: ReplicaID(3))
        let ops = [brackets, paste] + typed
        _ = try bob.apply(ops)
        _ = try fromEnd.apply(ops.reversed())
        for (name, replica) in [("remote", bob), ("out of order", fromEnd), ("snapshot", restored)] {
            replica.checkInvariants()
            #expect(replica.text == expected, "\(name)")
            #expect(replica.lineCount == alice.lineCount, "\(name)")
            for line in stride(from: 0, to: alice.lineCount, by: 37) {
                #expect(replica.line(line) == alice.line(line), "\(name) line \(line)")
                #expect(replica.lineStart(line) == alice.lineStart(line), "\(name) line \(line)")
            }
            let scalars = Array(expected.unicodeScalars)
            for position in stride(from: 0, to: alice.count, by: 301) {
                #expect(replica.id(at: position) == alice.id(at: position), "\(name) position \(position)")
                #expect(replica.line(containing: position) == alice.line(containing: position), "\(name) position \(position)")
                let lineFeed = scalars[position...].firstIndex(of: "\n") ?? scalars.count
                #expect(replica.nextLineFeed(from: position) == lineFeed, "\(name) line feed from \(position)")
            }
        }
        // Deleting across the pieces and typing into the middle keep the pieces consistent.
        try alice.delete(200..<900)
        try alice.insert("x\ny", at: 5000)
        alice.checkInvariants()
        var model = Array(expected.unicodeScalars)
        model.removeSubrange(200..<900)
        model.insert(contentsOf: "x\ny".unicodeScalars, at: 5000)
        #expect(alice.text == String(String.UnicodeScalarView(model)))
        let again = try Replica(snapshot: alice.encodeSnapshot(), replicaID: ReplicaID(5))
        again.checkInvariants()
        #expect(again.text == alice.text)
    }

    @Test func anchorsFollowTheirCharacterThroughRemoteEdits() throws {
        var me = Replica(replicaID: ReplicaID(1))
        var other = Replica(replicaID: ReplicaID(2))
        try other.apply(me.insert("hello world", at: 0)!)
        let cursor = me.anchor(at: 6)  // after "hello ", before "world"
        let before = me.anchor(at: 6, stickToPrevious: false)
        try me.apply(other.insert(">> ", at: 0)!)
        #expect(me.position(of: cursor) == 9)
        #expect(me.position(of: before) == 9)
        // Text typed by someone else exactly at the cursor lands between the two anchors' characters.
        try me.apply(other.insert("big ", at: 9)!)
        #expect(me.text == ">> hello big world")
        #expect(me.position(of: cursor) == 9)
        #expect(me.position(of: before) == 13)
        // The character under an anchor is deleted: the anchor stays where it was.
        try me.apply(other.delete(8..<9)!)  // the space after "hello"
        #expect(me.position(of: cursor) == 8)
        #expect(me.position(of: .end) == me.count)
        #expect(me.position(of: .after(CharID(replica: ReplicaID(77), counter: 0))) == nil)
    }

    @Test func attributionNamesWhoTypedWhat() throws {
        var alice = Replica(replicaID: ReplicaID(1))
        var bob = Replica(replicaID: ReplicaID(2))
        try bob.apply(alice.insert("aaaa", at: 0)!)
        try alice.apply(bob.insert("bb", at: 2)!)
        #expect(alice.text == "aabbaa")
        #expect(alice.author(at: 2) == ReplicaID(2))
        let spans = alice.authors(in: 0..<6)
        #expect(spans.map(\.range) == [0..<2, 2..<4, 4..<6])
        #expect(spans.map(\.replica) == [ReplicaID(1), ReplicaID(2), ReplicaID(1)])
    }

    @Test func remoteChangesDescribeTheVisibleEdit() throws {
        var alice = Replica(replicaID: ReplicaID(1))
        var bob = Replica(replicaID: ReplicaID(2))
        try bob.apply(alice.insert("0123456789", at: 0)!)
        let ops = [try alice.delete(2..<5)!, try alice.insert("abc", at: 4)!]
        let changes = try bob.apply(ops)
        #expect(changes == [.deleted(position: 2, count: 3), .inserted(position: 4, count: 3)])
        // Applying again changes nothing and reports nothing.
        #expect(try bob.apply(ops) == [])
        #expect(bob.text == alice.text)
    }

    @Test func typingBurstsAbsorbIntoOneOp() throws {
        var alice = Replica(replicaID: ReplicaID(1))
        var typed = try alice.insert("h", at: 0)!
        for (index, scalar) in "ello".unicodeScalars.enumerated() {
            let absorbed = typed.absorb(try alice.insert(String(scalar), at: index + 1)!)
            #expect(absorbed)
        }
        var backspaces = try alice.delete(4..<5)!
        let joined = backspaces.absorb(try alice.delete(3..<4)!)
        #expect(joined)
        let mixed = typed.absorb(backspaces)
        #expect(!mixed)
        guard case .insert(let insertion) = typed, case .delete(let deletion) = backspaces else {
            Issue.record("unexpected op kinds")
            return
        }
        #expect(insertion.text == "hello")
        #expect(deletion.spans == [IDSpan(start: CharID(replica: ReplicaID(1), counter: 3), length: 2)])
        var bob = Replica(replicaID: ReplicaID(2))
        try bob.apply([typed, backspaces])
        #expect(bob.text == "hel")
    }

    @Test func malformedOpsAreRefusedWithoutHarm() throws {
        var replica = Replica(replicaID: ReplicaID(1))
        try replica.insert("ab", at: 0)
        let a = CharID(replica: ReplicaID(1), counter: 0), b = CharID(replica: ReplicaID(1), counter: 1)
        let backwards = Op.insert(Insertion(id: CharID(replica: ReplicaID(9), counter: 0), originLeft: b, originRight: a, text: "x"))
        let selfReferencing = Op.insert(Insertion(id: CharID(replica: ReplicaID(9), counter: 0), originLeft: CharID(replica: ReplicaID(9), counter: 0), originRight: nil, text: "x"))
        let empty = Op.insert(Insertion(id: CharID(replica: ReplicaID(9), counter: 0), originLeft: nil, originRight: nil, text: ""))
        for op in [backwards, selfReferencing, empty] {
            do {
                try replica.apply(op)
                Issue.record("accepted \(op)")
            } catch {
                #expect(error.code == .malformedOp)
            }
        }
        #expect(replica.text == "ab")
        #expect(replica.pendingCount == 0)
        replica.checkInvariants()
    }

    @Test func opsWaitForWhatTheyNeed() throws {
        var alice = Replica(replicaID: ReplicaID(1))
        let first = try alice.insert("abc", at: 0)!
        let second = try alice.insert("X", at: 1)!
        let third = try alice.delete(0..<1)!
        var bob = Replica(replicaID: ReplicaID(2))
        try bob.apply([third, second])
        #expect(bob.pendingCount == 2)
        #expect(bob.text == "")
        try bob.apply(first)
        #expect(bob.pendingCount == 0)
        #expect(bob.text == "Xbc")
        #expect(bob.version == alice.version)
        #expect(bob.version.contains(CharID(replica: ReplicaID(1), counter: 3)))
    }
}
