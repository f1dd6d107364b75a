extension OpCodec {
    /// Cuts `ops` into consecutive batches whose encodings are each at most `maxBytes` long, so an
    /// edit of any size travels under a protocol's batch limit.
    ///
    /// Applying the batches in order is the same as applying `ops`: an insertion too long for one
    /// batch becomes several, each placed after the last scalar of the one before and sharing its
    /// right origin (exactly what typing the scalars one at a time would have produced, see
    /// `Insertion`), and a deletion naming too many spans is cut between spans. Ops keep their order.
    ///
    /// - Parameter maxBytes: the largest encoded batch allowed; at least `minimumSplitBytes`.
    /// - Returns: non-empty batches (none for no ops).
    public static func split(_ ops: [Op], maxBytes: Int) -> [[Op]] {
        precondition(maxBytes >= minimumSplitBytes, "batches of \(maxBytes) bytes cannot hold an op")
        if ops.isEmpty { return [] }
        var splitter = BatchSplitter(maxBytes: maxBytes)
        for op in ops { splitter.add(op) }
        return splitter.finish()
    }

    /// The smallest batch size `split` can fill: a header with three replicas and one op of one
    /// scalar or one span.
    public static let minimumSplitBytes = 128
}

/// Packs ops greedily into batches, counting each batch's encoded size from above (every varint
/// at its widest), so a batch it closes always encodes within the budget.
private struct BatchSplitter {
    let maxBytes: Int
    private(set) var batches: [[Op]] = []
    private var current: [Op] = []
    private var replicas: Set<ReplicaID> = []
    private var size = 0

    /// Version byte, and the replica-table and op counts as varints of up to 64 bits.
    private static let headerBytes = 1 + 10 + 10
    private static let replicaBytes = 8
    /// A 32-bit varint at its widest.
    private static let varint32Bytes = 5
    /// Tag, replica index, counter and two origins (each a replica index and a counter).
    private static let insertionBytes = 1 + 2 * varint32Bytes + 2 * (1 + 2 * varint32Bytes)
    /// Tag and span count.
    private static let deletionBytes = 1 + 10
    private static let spanBytes = 3 * varint32Bytes
    /// The text's byte count.
    private static let textLengthBytes = 10

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
        size = Self.headerBytes
    }

    mutating func add(_ op: Op) {
        switch op {
        case .insert(let insertion): add(insertion)
        case .delete(let deletion): add(deletion)
        }
    }

    mutating func finish() -> [[Op]] {
        close()
        return batches
    }

    private mutating func add(_ insertion: Insertion) {
        var ids = [insertion.id.replica]
        if let left = insertion.originLeft { ids.append(left.replica) }
        if let right = insertion.originRight { ids.append(right.replica) }
        let fixed = Self.insertionBytes + Self.textLengthBytes
        let whole = fixed + insertion.text.utf8.count
        // An op that fits a batch of its own is not cut: it starts the next batch instead.
        if cost(of: ids, plus: whole) > room, Self.headerBytes + Set(ids).count * Self.replicaBytes + whole <= maxBytes { close() }
        if cost(of: ids, plus: whole) <= room { return append(.insert(insertion), ids: ids, bytes: whole) }
        // Longer than any batch: fill this one, then go on in fresh batches.
        var remaining = Substring(insertion.text)
        var id = insertion.id
        var originLeft = insertion.originLeft
        while !remaining.isEmpty {
            var budget = room - cost(of: ids, plus: fixed)
            if budget < 4 {
                close()
                budget = room - cost(of: ids, plus: fixed)
            }
            let (piece, rest, scalars) = Self.prefix(of: remaining, utf8Budget: budget)
            let part = Insertion(id: id, originLeft: originLeft, originRight: insertion.originRight, text: String(piece))
            append(.insert(part), ids: ids, bytes: fixed + piece.utf8.count)
            // The next piece continues after this one's last scalar, as typing would have.
            originLeft = CharID(replica: id.replica, counter: id.counter + UInt32(scalars - 1))
            id.counter += UInt32(scalars)
            ids = [id.replica, id.replica] + (insertion.originRight.map { [$0.replica] } ?? [])
            remaining = rest
        }
    }

    private mutating func add(_ deletion: Deletion) {
        var spans = deletion.spans[...]
        while !spans.isEmpty {
            if room - cost(of: [spans.first!.start.replica], plus: Self.deletionBytes + Self.spanBytes) < 0 { close() }
            var taken: [IDSpan] = []
            var bytes = Self.deletionBytes
            // Replicas the spans taken bring into the batch's table, counted as each span comes
            // (a deletion of a big range names tens of thousands of spans).
            var brought: Set<ReplicaID> = []
            while let span = spans.first {
                let replica = span.start.replica
                let brings = !replicas.contains(replica) && !brought.contains(replica)
                guard (brought.count + (brings ? 1 : 0)) * Self.replicaBytes + bytes + Self.spanBytes <= room else { break }
                taken.append(span)
                if brings { brought.insert(replica) }
                bytes += Self.spanBytes
                spans = spans.dropFirst()
            }
            append(.delete(Deletion(spans: taken)), ids: Array(brought), bytes: bytes)
        }
    }

    /// Bytes left in the current batch.
    private var room: Int { maxBytes - size }

    /// What an op of `bytes` adds, counting the replicas it brings into the table.
    private func cost(of ids: [ReplicaID], plus bytes: Int) -> Int {
        Set(ids).subtracting(replicas).count * Self.replicaBytes + bytes
    }

    private mutating func append(_ op: Op, ids: [ReplicaID], bytes: Int) {
        size += cost(of: ids, plus: bytes)
        replicas.formUnion(ids)
        current.append(op)
    }

    private mutating func close() {
        guard !current.isEmpty else { return }
        batches.append(current)
        current = []
        replicas = []
        size = Self.headerBytes
    }

    /// The longest prefix of `text` whose UTF-8 fits `utf8Budget` bytes (at least one scalar),
    /// what is left, and the prefix's scalar count.
    private static func prefix(of text: Substring, utf8Budget: Int) -> (Substring, Substring, Int) {
        var bytes = 0
        var scalars = 0
        var end = text.unicodeScalars.startIndex
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            if bytes + width > utf8Budget, scalars > 0 { break }
            bytes += width
            scalars += 1
            end = text.unicodeScalars.index(after: end)
        }
        return (Substring(text.unicodeScalars[..<end]), Substring(text.unicodeScalars[end...]), scalars)
    }
}
