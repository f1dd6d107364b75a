import WeftCRDT
import WeftWire

/// What the ops so far in a pack predict about the next one. Typing makes each insertion follow
/// the last (the next counter of its replica, the last character typed as its left origin, the
/// same right origin) and backspacing deletes the last character typed, so those cost a shape
/// byte and the text.
struct OpPrediction {
    /// Each replica's counter after its last insertion in the pack.
    private var nextCounter: [ReplicaID: UInt64] = [:]
    /// The last replica that inserted, and its counter after that: most ops are one person's
    /// typing, and hashing a replica id for each was a good part of reading a pack.
    private var lastInserter: (replica: ReplicaID, next: UInt64)?
    /// The last character the last insertion inserted, and that insertion's right origin.
    var lastInserted: CharID?
    var lastRight: CharID??

    /// The counter a new insertion by `replica` would have.
    func predictedCounter(of replica: ReplicaID) -> UInt64 { next(of: replica) ?? 0 }

    /// What a deletion's counters are written relative to: the last character `replica` typed.
    func deletionReference(of replica: ReplicaID) -> UInt64 { (next(of: replica) ?? 1) &- 1 }

    private func next(of replica: ReplicaID) -> UInt64? {
        if let lastInserter, lastInserter.replica == replica { return lastInserter.next }
        return nextCounter[replica]
    }

    mutating func inserted(_ insertion: Insertion) {
        let end = UInt64(insertion.id.counter) + UInt64(insertion.length)
        if let last = lastInserter, last.replica != insertion.id.replica { nextCounter[last.replica] = last.next }
        lastInserter = (insertion.id.replica, end)
        lastInserted = CharID(replica: insertion.id.replica, counter: UInt32(truncatingIfNeeded: end - 1))
        lastRight = .some(insertion.originRight)
    }
}

/// Shape byte of an insertion (below 0x80): its id in bits 0–1, left origin in 2–3, right origin
/// in 4–5. A deletion's shape byte is 0x80.
enum OpShape {
    static let deletion: UInt8 = 0x80
    // Id: the entry's replica at the predicted counter; the entry's replica at another counter
    // (zigzag from the prediction); another replica (index, counter).
    static let idPredicted: UInt8 = 0, idOwnReplica: UInt8 = 1, idOther: UInt8 = 2
    // Left origin: none; the last character inserted; the id's replica (zigzag from the id's
    // counter − 1); any (index, counter).
    static let leftNone: UInt8 = 0, leftLastInserted: UInt8 = 1, leftSameReplica: UInt8 = 2, leftOther: UInt8 = 3
    // Right origin: none; the last insertion's; any (index, counter).
    static let rightNone: UInt8 = 0, rightAsBefore: UInt8 = 1, rightOther: UInt8 = 2
}

/// Writes entries' op batches into a pack's ops and text streams.
struct OpStreams {
    var structure = ByteWriter()
    var text = ByteWriter()
    private var prediction = OpPrediction()

    mutating func write(_ entry: HistoryEntry, replicas: inout IndexTable<ReplicaID>) {
        guard let ops = try? OpCodec.decode(entry.ops), OpCodec.encode(ops) == entry.ops else {
            // Written by another encoder (any table order is legal): kept as committed.
            structure.byte(0)
            structure.varint(entry.ops.count)
            structure.raw(entry.ops)
            return
        }
        structure.byte(1)
        structure.varint(ops.count)
        for op in ops {
            switch op {
            case .insert(let insertion): write(insertion, entryReplica: entry.replica, replicas: &replicas)
            case .delete(let deletion):
                structure.byte(OpShape.deletion)
                structure.varint(deletion.spans.count)
                for span in deletion.spans {
                    structure.varint(replicas.index(span.start.replica))
                    structure.zigzag(HistoryPack.difference(UInt64(span.start.counter), prediction.deletionReference(of: span.start.replica)))
                    structure.varint(span.length)
                }
            }
        }
    }

    private mutating func write(_ insertion: Insertion, entryReplica: ReplicaID, replicas: inout IndexTable<ReplicaID>) {
        var fields = ByteWriter()
        let id: UInt8
        if insertion.id.replica == entryReplica {
            let predicted = prediction.predictedCounter(of: entryReplica)
            id = UInt64(insertion.id.counter) == predicted ? OpShape.idPredicted : OpShape.idOwnReplica
            if id == OpShape.idOwnReplica { fields.zigzag(HistoryPack.difference(UInt64(insertion.id.counter), predicted)) }
        } else {
            id = OpShape.idOther
            fields.varint(replicas.index(insertion.id.replica))
            fields.varint(insertion.id.counter)
        }
        let left: UInt8
        switch insertion.originLeft {
        case nil: left = OpShape.leftNone
        case let origin? where origin == prediction.lastInserted: left = OpShape.leftLastInserted
        case let origin? where origin.replica == insertion.id.replica:
            left = OpShape.leftSameReplica
            fields.zigzag(HistoryPack.difference(UInt64(origin.counter), UInt64(insertion.id.counter) &- 1))
        case let origin?:
            left = OpShape.leftOther
            fields.varint(replicas.index(origin.replica))
            fields.varint(origin.counter)
        }
        let right: UInt8
        if let before = prediction.lastRight, before == insertion.originRight {
            right = OpShape.rightAsBefore
        } else if let origin = insertion.originRight {
            right = OpShape.rightOther
            fields.varint(replicas.index(origin.replica))
            fields.varint(origin.counter)
        } else {
            right = OpShape.rightNone
        }
        structure.byte(id | left << 2 | right << 4)
        structure.raw(fields.bytes)
        var utf8 = insertion.text
        utf8.withUTF8 { bytes in
            structure.varint(bytes.count)
            text.raw(bytes)
        }
        prediction.inserted(insertion)
    }
}

/// Reads back what `OpStreams` wrote, entry by entry.
struct OpReader {
    var structure: ByteReader
    var text: ByteReader
    private var prediction = OpPrediction()

    init(structure: ByteReader, text: ByteReader) {
        self.structure = structure
        self.text = text
    }

    mutating func next(entryReplica: ReplicaID, replicas: [ReplicaID]) throws(DecodingError) -> [UInt8] {
        switch try structure.byte() {
        case 0:
            return Array(try structure.raw(try structure.count(minimumBytes: 1)))
        case 1:
            var ops: [Op] = []
            for _ in 0..<(try structure.count(minimumBytes: 1)) {
                let shape = try structure.byte()
                if shape == OpShape.deletion {
                    var spans: [IDSpan] = []
                    for _ in 0..<(try structure.count(minimumBytes: 3)) {
                        let replica = try HistoryPack.element(of: replicas, at: structure.varint())
                        let counter = prediction.deletionReference(of: replica) &+ UInt64(bitPattern: try structure.zigzag())
                        spans.append(IDSpan(start: CharID(replica: replica, counter: try Self.counter(counter)), length: try structure.varint32()))
                    }
                    ops.append(.delete(Deletion(spans: spans)))
                } else {
                    let insertion = try readInsertion(shape: shape, entryReplica: entryReplica, replicas: replicas)
                    prediction.inserted(insertion)
                    ops.append(.insert(insertion))
                }
            }
            return OpCodec.encode(ops)
        case let form:
            throw DecodingError(.invalid, "unknown op form \(form)")
        }
    }

    private mutating func readInsertion(shape: UInt8, entryReplica: ReplicaID, replicas: [ReplicaID]) throws(DecodingError) -> Insertion {
        let id: CharID
        switch shape & 3 {
        case OpShape.idPredicted:
            id = CharID(replica: entryReplica, counter: try Self.counter(prediction.predictedCounter(of: entryReplica)))
        case OpShape.idOwnReplica:
            let counter = prediction.predictedCounter(of: entryReplica) &+ UInt64(bitPattern: try structure.zigzag())
            id = CharID(replica: entryReplica, counter: try Self.counter(counter))
        case OpShape.idOther:
            id = CharID(replica: try HistoryPack.element(of: replicas, at: structure.varint()), counter: try structure.varint32())
        default:
            throw DecodingError(.invalid, "unknown id shape in \(shape)")
        }
        let left: CharID?
        switch shape >> 2 & 3 {
        case OpShape.leftNone: left = nil
        case OpShape.leftLastInserted:
            guard let last = prediction.lastInserted else { throw DecodingError(.invalid, "a left origin names a last insertion before any") }
            left = last
        case OpShape.leftSameReplica:
            left = CharID(replica: id.replica, counter: try Self.counter((UInt64(id.counter) &- 1) &+ UInt64(bitPattern: try structure.zigzag())))
        default:
            left = CharID(replica: try HistoryPack.element(of: replicas, at: structure.varint()), counter: try structure.varint32())
        }
        let right: CharID?
        switch shape >> 4 {
        case OpShape.rightNone: right = nil
        case OpShape.rightAsBefore:
            guard let before = prediction.lastRight else { throw DecodingError(.invalid, "a right origin names a last insertion before any") }
            right = before
        case OpShape.rightOther:
            right = CharID(replica: try HistoryPack.element(of: replicas, at: structure.varint()), counter: try structure.varint32())
        default:
            throw DecodingError(.invalid, "unknown right origin shape in \(shape)")
        }
        let byteCount = try structure.varint()
        guard byteCount > 0, byteCount <= UInt64(text.remaining), let string = try? text.string(byteCount: Int(byteCount)) else {
            throw DecodingError(.invalid, "an insertion's text is empty or not UTF-8")
        }
        return Insertion(id: id, originLeft: left, originRight: right, text: string)
    }

    func expectEnd() throws(DecodingError) {
        try structure.expectEnd()
        try text.expectEnd()
    }

    private static func counter(_ value: UInt64) throws(DecodingError) -> UInt32 {
        guard value <= UInt64(UInt32.max) else { throw DecodingError(.invalid, "a counter passes 32 bits") }
        return UInt32(value)
    }
}
