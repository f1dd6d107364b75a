import WeftCRDT
import WeftTestSupport

/// Deterministic choices for the vector generator, made from `SeededGenerator` alone (not the
/// standard library's shuffling or range algorithms, which may change between Swift versions and
/// would change the committed vectors with them).
struct Dice {
    private var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// A number in `0..<n`.
    mutating func below(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }

    mutating func chance(percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var result = items
        for index in result.indices.reversed() where index > 0 { result.swapAt(index, below(index + 1)) }
        return result
    }
}

/// A replica that edits like a person at a keyboard and keeps the batches it made, to be
/// delivered to the vector's receiver in whatever order a scenario chooses.
struct VectorPeer {
    var replica: Replica
    /// Every batch this peer made, in the order made.
    private(set) var batches: [[Op]] = []

    init(_ id: UInt64) { replica = Replica(replicaID: ReplicaID(id)) }

    /// Types `text` at `position`, forwards; each scalar its own batch with `keystrokes`, else
    /// one batch for the word.
    mutating func type(_ text: String, at position: Int, keystrokes: Bool = false) {
        let ops = text.unicodeScalars.enumerated().map { offset, scalar in
            try! replica.insert(String(scalar), at: position + offset)!
        }
        keep(ops, keystrokes: keystrokes)
    }

    /// Types `text` backwards: each scalar before the one typed before it (the cursor stays put),
    /// so that it reads `text` at `position`.
    mutating func typeBackwards(_ text: String, at position: Int, keystrokes: Bool = false) {
        let ops = text.unicodeScalars.reversed().map { try! replica.insert(String($0), at: position)! }
        keep(ops, keystrokes: keystrokes)
    }

    /// Deletes the visible scalars in `range` in one batch, or one scalar a batch with `keystrokes`
    /// (backspacing from the end).
    mutating func delete(_ range: Range<Int>, keystrokes: Bool = false) {
        let ops = keystrokes ? range.reversed().map { try! replica.delete($0..<$0 + 1)! } : [try! replica.delete(range)].compactMap { $0 }
        keep(ops, keystrokes: keystrokes)
    }

    /// Applies another peer's batches, in order.
    mutating func receive(_ batches: some Sequence<[Op]>) {
        for batch in batches { try! replica.apply(batch) }
    }

    /// Applies every batch of `peers` (this one's own come back and change nothing).
    mutating func receiveAll(of peers: [VectorPeer]) {
        for peer in peers { receive(peer.batches) }
    }

    private mutating func keep(_ ops: [Op], keystrokes: Bool) {
        guard !ops.isEmpty else { return }
        if keystrokes {
            batches += ops.map { [$0] }
            return
        }
        var merged: [Op] = []
        for op in ops {
            if var last = merged.last, last.absorb(op) { merged[merged.count - 1] = last } else { merged.append(op) }
        }
        batches.append(merged)
    }
}

/// Ways to cut one op into pieces that mean the same: an insertion at a scalar boundary (the
/// second piece placed after the first's last scalar), a deletion between or inside spans.
enum Recut {
    static func pieces(of op: Op, at fraction: Int) -> [Op] {
        switch op {
        case .insert(let insertion):
            let scalars = Array(insertion.text.unicodeScalars)
            guard scalars.count > 1 else { return [op] }
            let cut = 1 + fraction % (scalars.count - 1)
            let head = Insertion(id: insertion.id, originLeft: insertion.originLeft, originRight: insertion.originRight,
                                 text: String(String.UnicodeScalarView(scalars[..<cut])))
            let tail = Insertion(id: CharID(replica: insertion.id.replica, counter: insertion.id.counter + UInt32(cut)),
                                 originLeft: CharID(replica: insertion.id.replica, counter: insertion.id.counter + UInt32(cut) - 1),
                                 originRight: insertion.originRight, text: String(String.UnicodeScalarView(scalars[cut...])))
            return [.insert(head), .insert(tail)]
        case .delete(let deletion):
            if deletion.spans.count > 1 { return deletion.spans.map { .delete(Deletion(spans: [$0])) } }
            let span = deletion.spans[0]
            guard span.length > 1 else { return [op] }
            let cut = 1 + UInt32(fraction) % (span.length - 1)
            return [.delete(Deletion(spans: [IDSpan(start: span.start, length: cut)])),
                    .delete(Deletion(spans: [IDSpan(start: CharID(replica: span.start.replica, counter: span.start.counter + cut),
                                                    length: span.length - cut)]))]
        }
    }
}
