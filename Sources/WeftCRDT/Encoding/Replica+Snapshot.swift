/// Snapshot encoding: the whole state (tombstones and origins included, deleted text dropped), in
/// document order, so loading builds the structure directly instead of replaying history.
/// Layout in FORMAT.md beside this file.
extension Replica {
    static let snapshotMagic: [UInt8] = [0x57, 0x46, 0x54, 0x53]  // "WFTS"
    /// The snapshot format version this build writes and reads.
    public static let snapshotVersion: UInt8 = 1

    /// How a span's left origin (and, for `continuation`, its first counter) is written.
    enum LeftMode: UInt8 {
        case none = 0
        /// The last character of the previous span in document order.
        case adjacent = 1
        /// A character of an earlier span: a reference (span distance back, offset).
        case backReference = 2
        /// The span continues, in id order, an earlier span that was split from it: its left origin
        /// is that span's last character and its counter follows it. Written as the span distance
        /// back; no counter is written.
        case continuation = 3
    }
    /// How a span's right origin is written.
    enum RightMode: UInt8 {
        case none = 0
        /// The first character of the next span in document order.
        case adjacent = 1
        /// A character of a later span: a reference (span distance ahead, offset).
        case forwardReference = 2
        /// The right origin of the span holding this span's left origin (true of every run that
        /// was split apart, and of most text typed into the middle of other text).
        case sameAsLeftOriginSpan = 3
    }

    /// A relative reference: the distance shifted left once, low bit set when an offset follows
    /// (without one, the reference names the span's first character).
    private static func writeReference(distance: Int, offset: UInt32, explicit: Bool, to writer: inout ByteWriter) {
        let withOffset = offset != 0 || explicit
        writer.varint(UInt64(distance) << 1 | (withOffset ? 1 : 0))
        if withOffset { writer.varint(offset) }
    }

    private static func earlierSpan(distance: UInt64, from spanIndex: Int, at offset: Int) throws(DecodingError) -> Int {
        guard distance >= 1, distance <= UInt64(spanIndex) else {
            throw DecodingError(.invalid, "span at byte \(offset) refers to a span before the first")
        }
        return spanIndex - Int(distance)
    }

    static func readReference(from reader: inout ByteReader) throws(DecodingError) -> (distance: UInt64, offset: UInt32) {
        let packed = try reader.varint()
        return (packed >> 1, packed & 1 == 1 ? try reader.varint32() : 0)
    }
    enum VisibilityMode: UInt8 { case visible = 0, deleted = 1, mixedFromVisible = 2, mixedFromDeleted = 3 }

    /// A span for the snapshot: runs that continue each other, whatever their visibility.
    private struct Span {
        var replica: UInt32
        var counter: UInt32
        var originLeft: PackedID
        var originRight: PackedID
        /// Lengths of alternating visible / deleted pieces.
        private(set) var pieces: [UInt32]
        let startsDeleted: Bool
        /// The pieces' sum, kept as they grow: a span of a text with many scattered deletions
        /// has thousands of pieces, and summing them for every run made encoding quadratic.
        private(set) var length: UInt32
        var lastID: PackedID { PackedID(replica: replica, counter: counter + length - 1) }

        init(replica: UInt32, counter: UInt32, originLeft: PackedID, originRight: PackedID, pieces: [UInt32], startsDeleted: Bool) {
            self.replica = replica
            self.counter = counter
            self.originLeft = originLeft
            self.originRight = originRight
            self.pieces = pieces
            self.startsDeleted = startsDeleted
            length = pieces.reduce(0, +)
        }

        /// Whether a run of `run`'s place continues this span (whatever its visibility).
        func isContinued(by run: Run) -> Bool {
            replica == run.replica && UInt64(counter) + UInt64(length) == UInt64(run.counter)
                && run.originLeft == lastID && run.originRight == originRight
        }

        /// Adds a run of `runLength` characters, deleted or not, at the end.
        mutating func append(_ runLength: UInt32, deleted: Bool) {
            let lastDeleted = startsDeleted != (pieces.count % 2 == 0)
            if lastDeleted == deleted { pieces[pieces.count - 1] += runLength } else { pieces.append(runLength) }
            length += runLength
        }
    }

    /// The snapshot of this replica's document, in the canonical form: replicas that have seen
    /// the same ops write the same bytes, whatever order the ops came in.
    public func encodeSnapshot() -> [UInt8] {
        encodeSnapshot(.canonical)
    }

    /// The snapshot of this replica's document, written with `choices`.
    package func encodeSnapshot(_ choices: SnapshotChoices) -> [UInt8] {
        var spans: [Span] = []
        for leafID in order {
            for run in leaves[Int(leafID)].runs {
                // In place: a copy of the last span would copy its pieces for every run.
                if !spans.isEmpty, spans[spans.count - 1].isContinued(by: run) {
                    spans[spans.count - 1].append(run.length, deleted: run.isDeleted)
                } else {
                    spans.append(Span(replica: run.replica, counter: run.counter, originLeft: run.originLeft,
                                      originRight: run.originRight, pieces: [run.length], startsDeleted: run.isDeleted))
                }
            }
        }
        // Where every character that starts a run sits among the spans, to write origins as
        // short relative references instead of ids.
        var spanOfRunStart: [UInt64: (span: Int, offset: UInt32)] = [:]
        spanOfRunStart.reserveCapacity(runCount)
        do {
            var spanIndex = 0, offsetInSpan: UInt32 = 0
            for leafID in order {
                for run in leaves[Int(leafID)].runs {
                    if offsetInSpan == spans[spanIndex].length { spanIndex += 1; offsetInSpan = 0 }
                    spanOfRunStart[run.id(at: 0).raw] = (spanIndex, offsetInSpan)
                    offsetInSpan += run.length
                }
            }
        }
        func reference(to origin: PackedID) -> (span: Int, offset: UInt32) {
            if let start = spanOfRunStart[origin.raw] { return start }
            let location = locate(origin, noneIs: .end)
            let start = spanOfRunStart[run(at: location).id(at: 0).raw]!
            return (start.span, start.offset + UInt32(location.offset))
        }

        let table = snapshotTable(spans.map(\.replica), order: choices.tableOrder)
        var slot = Array(repeating: 0, count: replicas.count)
        for (index, local) in table.enumerated() { slot[Int(local)] = index }
        var writer = ByteWriter()
        writer.raw(Self.snapshotMagic)
        writer.byte(Self.snapshotVersion)
        writer.varint(table.count)
        for local in table { writer.uint64(replicas[Int(local)].rawValue) }
        for local in table { writer.varint(counts[Int(local)]) }
        writer.varint(spans.count)
        var lastEnd = Array(repeating: Int64(0), count: replicas.count)
        for (index, span) in spans.enumerated() {
            let previous: PackedID = index > 0 ? spans[index - 1].lastID : .none
            let next: PackedID = index + 1 < spans.count ? PackedID(replica: spans[index + 1].replica, counter: spans[index + 1].counter) : .none
            let leftTarget = span.originLeft.isNone ? nil : reference(to: span.originLeft)
            let shortForms = !choices.referencesEverywhere
            let left: LeftMode = span.originLeft.isNone ? .none
                : shortForms && span.originLeft == previous ? .adjacent
                : shortForms && span.originLeft == PackedID(replica: span.replica, counter: span.counter &- 1) ? .continuation
                : .backReference
            let right: RightMode = span.originRight.isNone ? .none
                : shortForms && span.originRight == next ? .adjacent
                : shortForms && leftTarget.map({ spans[$0.span].originRight == span.originRight }) == true ? .sameAsLeftOriginSpan
                : .forwardReference
            let visibility: VisibilityMode = span.pieces.count == 1
                ? (span.startsDeleted ? .deleted : .visible)
                : (span.startsDeleted ? .mixedFromDeleted : .mixedFromVisible)
            writer.varint(UInt64(slot[Int(span.replica)]) << 6 | UInt64(left.rawValue) << 4 | UInt64(right.rawValue) << 2 | UInt64(visibility.rawValue))
            switch left {
            case .continuation:
                writer.varint(index - leftTarget!.span)
            case .backReference:
                Self.writeReference(distance: index - leftTarget!.span, offset: leftTarget!.offset, explicit: choices.explicitZeroOffsets, to: &writer)
                fallthrough
            case .none, .adjacent:
                let delta = Int64(span.counter) - lastEnd[Int(span.replica)]
                writer.zigzag(delta)
            }
            lastEnd[Int(span.replica)] = Int64(span.counter) + Int64(span.length)
            if span.pieces.count == 1 {
                writer.varint(span.pieces[0])
            } else {
                writer.varint(span.pieces.count)
                for piece in span.pieces { writer.varint(piece) }
            }
            if right == .forwardReference {
                let target = reference(to: span.originRight)
                Self.writeReference(distance: target.span - index, offset: target.offset, explicit: choices.explicitZeroOffsets, to: &writer)
            }
        }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(count)
        forEachVisibleSlice(from: 0, count: count) { slice in slice.appendUTF8(to: &utf8) }
        writer.varint(utf8.count)
        writer.raw(utf8)
        let pendingBytes = pendingCount == 0 ? [] : OpCodec.encode(pendingOps)
        writer.varint(pendingBytes.count)
        writer.raw(pendingBytes)
        return writer.bytes
    }

    /// The local replica indexes a snapshot lists, in table order, given the replica of each span.
    private func snapshotTable(_ spanReplicas: [UInt32], order: SnapshotChoices.TableOrder) -> [UInt32] {
        switch order {
        case .local:
            return replicas.indices.map { UInt32($0) }
        case .canonical:
            // Most spans first: a span header's replica index costs one byte below 2, two below 256.
            var spanCounts = Array(repeating: 0, count: replicas.count)
            for replica in spanReplicas { spanCounts[Int(replica)] += 1 }
            return replicas.indices.filter { counts[$0] > 0 }.sorted { a, b in
                spanCounts[a] != spanCounts[b] ? spanCounts[a] > spanCounts[b] : replicas[a] < replicas[b]
            }.map { UInt32($0) }
        }
    }

    /// UTF-8 to scalars in one validating pass (opening a 10 MB cache spent 45 ms in String's
    /// validate, count and copy), or an error. Strict as String is: no overlong forms, surrogates,
    /// values past U+10FFFF or cut sequences.
    private static func decodeScalars(_ utf8: ArraySlice<UInt8>) throws(DecodingError) -> [Unicode.Scalar] {
        let invalid = DecodingError(.invalid, "snapshot text is not valid UTF-8")
        var failure: DecodingError?
        let scalars = utf8.withUnsafeBufferPointer { bytes in
            [Unicode.Scalar](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
                var index = 0, written = 0
                let count = bytes.count
                func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> UInt32? {
                    guard index + offset < count, range.contains(bytes[index + offset]) else { return nil }
                    return UInt32(bytes[index + offset] & 0x3F)
                }
                while index < count {
                    let lead = bytes[index]
                    let value: UInt32, length: Int
                    if lead < 0x80 {
                        value = UInt32(lead); length = 1
                    } else if lead >= 0xC2, lead < 0xE0, let second = continuation(1) {
                        value = UInt32(lead & 0x1F) << 6 | second; length = 2
                    } else if lead >= 0xE0, lead < 0xF0,
                              let second = continuation(1, lead == 0xE0 ? 0xA0...0xBF : lead == 0xED ? 0x80...0x9F : 0x80...0xBF),
                              let third = continuation(2) {
                        value = UInt32(lead & 0x0F) << 12 | second << 6 | third; length = 3
                    } else if lead >= 0xF0, lead < 0xF5,
                              let second = continuation(1, lead == 0xF0 ? 0x90...0xBF : lead == 0xF4 ? 0x80...0x8F : 0x80...0xBF),
                              let third = continuation(2), let fourth = continuation(3) {
                        value = UInt32(lead & 0x07) << 18 | second << 12 | third << 6 | fourth; length = 4
                    } else {
                        failure = invalid
                        break
                    }
                    buffer.initializeElement(at: written, to: Unicode.Scalar(value).unsafelyUnwrapped)
                    written += 1
                    index += length
                }
                initialized = written
            }
        }
        if let failure { throw failure }
        return scalars
    }

    /// Loads a snapshot as replica `replicaID` (which may or may not appear in it: a replica
    /// reopening its own cached document keeps numbering its insertions where it left off).
    ///
    /// - Throws: `DecodingError` for anything that is not a whole, consistent snapshot: every
    ///   integrated id stored exactly once, origins known, text matching the visible lengths.
    public init(snapshot bytes: [UInt8], replicaID: ReplicaID) throws(DecodingError) {
        var reader = ByteReader(bytes)
        guard try Array(reader.raw(4)) == Self.snapshotMagic else { throw DecodingError(.invalid, "not a Weft snapshot (magic bytes differ)") }
        let version = try reader.byte()
        guard version == Self.snapshotVersion else {
            throw DecodingError(.unsupportedVersion, "snapshot format \(version); this build reads \(Self.snapshotVersion)")
        }
        self.init(replicaID: replicaID)
        let tableCount = try reader.count(minimumBytes: 9)
        var local: [UInt32] = []  // snapshot index -> local index
        var listed = Set<ReplicaID>()
        for _ in 0..<tableCount {
            let id = ReplicaID(try reader.uint64())
            guard listed.insert(id).inserted else { throw DecodingError(.invalid, "replica \(id) listed twice") }
            local.append(intern(id))
        }
        var totalIDs = 0
        for index in 0..<tableCount {
            let value = try reader.varint32()
            counts[Int(local[index])] = value
            totalIDs += Int(value)
        }
        guard totalIDs <= Replica.maxInsertedCharacters else {
            throw DecodingError(.invalid, "snapshot claims \(totalIDs) inserted characters; the limit is \(Replica.maxInsertedCharacters)")
        }
        insertedCharacters = totalIDs

        let spanCount = try reader.count(minimumBytes: 3)
        var runs: [Run] = []
        runs.reserveCapacity(spanCount)
        /// Per span: its first run and its length; forward references are resolved at the end.
        var spanFirstRun: [Int] = []
        var spanLengths: [UInt32] = []
        spanFirstRun.reserveCapacity(spanCount)
        spanLengths.reserveCapacity(spanCount)
        /// Right origins point ahead, so they are settled after every span is read.
        enum RightSource { case none, ahead(distance: Int, offset: UInt32), copy(span: Int) }
        var rightSources: [RightSource] = []
        rightSources.reserveCapacity(spanCount)
        var lastEnd = Array(repeating: Int64(0), count: tableCount)
        var visibleTotal = 0
        for spanIndex in 0..<spanCount {
            let at = reader.offset
            let header = try reader.varint()
            let snapshotReplica = header >> 6
            guard snapshotReplica < UInt64(tableCount),
                  let left = LeftMode(rawValue: UInt8(header >> 4 & 3)), let right = RightMode(rawValue: UInt8(header >> 2 & 3)),
                  let visibility = VisibilityMode(rawValue: UInt8(header & 3))
            else { throw DecodingError(.invalid, "span header at byte \(at) is invalid") }
            let replicaSlot = Int(snapshotReplica)
            let replica = local[replicaSlot]
            var originLeft = PackedID.none
            var leftSpan = -1
            let start: Int64
            switch left {
            case .continuation:
                leftSpan = try Self.earlierSpan(distance: try reader.varint(), from: spanIndex, at: at)
                let head = runs[spanFirstRun[leftSpan]]
                guard head.replica == replica else { throw DecodingError(.invalid, "span at byte \(at) continues another replica's span") }
                start = Int64(head.counter) + Int64(spanLengths[leftSpan])
                originLeft = PackedID(replica: replica, counter: UInt32(start - 1))
            case .none, .adjacent, .backReference:
                if left == .adjacent {
                    guard let previous = runs.last else { throw DecodingError(.invalid, "first span at byte \(at) has a left neighbour origin") }
                    originLeft = previous.lastID
                    leftSpan = spanIndex - 1
                } else if left == .backReference {
                    let reference = try Self.readReference(from: &reader)
                    leftSpan = try Self.earlierSpan(distance: reference.distance, from: spanIndex, at: at)
                    guard reference.offset < spanLengths[leftSpan] else { throw DecodingError(.invalid, "left origin at byte \(at) points past its span") }
                    let first = runs[spanFirstRun[leftSpan]]
                    originLeft = PackedID(replica: first.replica, counter: first.counter + reference.offset)
                }
                let delta = try reader.zigzag()
                let (sum, overflow) = lastEnd[replicaSlot].addingReportingOverflow(delta)
                guard !overflow else { throw DecodingError(.invalid, "span at byte \(at) has an impossible counter") }
                start = sum
            }
            guard start >= 0, start < Int64(counts[Int(replica)]) else { throw DecodingError(.invalid, "span at byte \(at) starts outside its replica's ids") }
            // Pieces alternate visible and deleted; they become runs right away.
            let isMixed = visibility == .mixedFromVisible || visibility == .mixedFromDeleted
            let pieceCount = isMixed ? try reader.count(minimumBytes: 1) : 1
            guard pieceCount >= (isMixed ? 2 : 1) else {
                throw DecodingError(.invalid, "mixed span at byte \(at) has \(pieceCount) pieces")
            }
            let firstRun = runs.count
            var counter = start
            var deleted = visibility == .deleted || visibility == .mixedFromDeleted
            for _ in 0..<pieceCount {
                let piece = try reader.varint32()
                guard piece > 0, counter + Int64(piece) <= Int64(counts[Int(replica)]) else {
                    throw DecodingError(.invalid, "span at byte \(at) has an empty piece or runs past its replica's ids")
                }
                // Visible pieces become runs of at most `Run.maxLength`, as editing keeps them.
                var cut: UInt32 = 0
                while cut < piece {
                    let length = deleted ? piece : min(piece - cut, Run.maxLength)
                    let first = UInt32(counter) + cut
                    runs.append(Run(counter: first, length: length, content: deleted ? Run.deleted : 0, replica: replica,
                                    originLeft: counter == start && cut == 0 ? originLeft : PackedID(replica: replica, counter: first - 1),
                                    originRight: .none))
                    cut += length
                }
                if !deleted { visibleTotal += Int(piece) }
                counter += Int64(piece)
                deleted.toggle()
            }
            let length = counter - start
            lastEnd[replicaSlot] = counter
            switch right {
            case .none: rightSources.append(.none)
            case .adjacent: rightSources.append(.ahead(distance: 1, offset: 0))
            case .sameAsLeftOriginSpan:
                guard leftSpan >= 0 else { throw DecodingError(.invalid, "span at byte \(at) copies the right origin of a left origin it lacks") }
                rightSources.append(.copy(span: leftSpan))
            case .forwardReference:
                let reference = try Self.readReference(from: &reader)
                guard reference.distance >= 1, reference.distance < UInt64(spanCount - spanIndex) else { throw DecodingError(.invalid, "right origin at byte \(at) points outside the spans") }
                rightSources.append(.ahead(distance: Int(reference.distance), offset: reference.offset))
            }
            spanFirstRun.append(firstRun)
            spanLengths.append(UInt32(length))
        }
        // Settle right origins in span order: a copy always names an earlier span, settled already.
        var rightOrigins: [PackedID] = []
        rightOrigins.reserveCapacity(spanCount)
        for (span, source) in rightSources.enumerated() {
            switch source {
            case .none:
                rightOrigins.append(.none)
            case .ahead(let distance, let offset):
                let target = span + distance
                guard target < spanCount, offset < spanLengths[target] else {
                    throw DecodingError(.invalid, "right origin of span \(span) points past the spans")
                }
                let first = runs[spanFirstRun[target]]
                rightOrigins.append(PackedID(replica: first.replica, counter: first.counter + offset))
            case .copy(let earlier):
                rightOrigins.append(rightOrigins[earlier])
            }
            let end = span + 1 < spanCount ? spanFirstRun[span + 1] : runs.count
            for index in spanFirstRun[span]..<end { runs[index].originRight = rightOrigins[span] }
        }

        let textLength = try reader.count(minimumBytes: 1)
        let text = try reader.raw(textLength)
        arena = text.withUnsafeBytes({ String.isASCII($0) }) ? ScalarArena(ascii: text) : ScalarArena(decoding: try Self.decodeScalars(text))
        guard arena.count == visibleTotal else {
            throw DecodingError(.invalid, "snapshot text has \(arena.count) scalars, its runs \(visibleTotal)")
        }
        var pendingToRestore: [Op] = []
        let pendingLength = try reader.count(minimumBytes: 1)
        if pendingLength > 0 {
            var pendingReader = ByteReader(Array(try reader.raw(pendingLength)))
            pendingToRestore = try OpCodec.decode(from: &pendingReader)
            try pendingReader.expectEnd()
        }
        try reader.expectEnd()

        // Build leaves three-quarters full, so typing into a loaded document splits few of them.
        let perLeaf = Leaf.maxRuns * 3 / 4
        var content: UInt32 = 0
        var leafStart = 0
        var idPieces = Array(repeating: [(start: UInt32, length: UInt32, leaf: UInt32)](), count: counts.count)
        while leafStart < runs.count {
            let leafEnd = min(leafStart + perLeaf, runs.count)
            let leafID = UInt32(leaves.count)
            var leaf = Leaf(runs: Array(runs[leafStart..<leafEnd]))
            for index in leaf.runs.indices {
                let run = leaf.runs[index]
                idPieces[Int(run.replica)].append((run.counter, run.length, leafID))
                if !run.isDeleted {
                    leaf.runs[index].content = content
                    content += run.length
                    leaf.visible += Int(run.length)
                    leaf.newlines += newlines(in: leaf.runs[index])
                }
            }
            leaves.append(leaf)
            orderOf.append(UInt32(order.count))
            order.append(leafID)
            count += leaf.visible
            newlineCount += leaf.newlines
            leafStart = leafEnd
        }
        guard let index = IDIndex.covering(idPieces, counts: counts) else {
            throw DecodingError(.invalid, "snapshot stores some id twice, or counts ids that none of its spans store")
        }
        idIndex = index
        rebuildTrees()
        // Waiting ops go back through `apply`, which files each under the id it awaits.
        do {
            try apply(pendingToRestore)
        } catch {
            throw DecodingError(.invalid, "snapshot holds a pending op that cannot apply: \(error.message)")
        }
    }
}
