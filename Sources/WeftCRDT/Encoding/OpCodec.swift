/// The binary form of a batch of ops (see FORMAT.md beside this file).
public enum OpCodec {
    /// The format version written in the first byte.
    public static let version: UInt8 = 1

    private static let insertTag: UInt8 = 1
    private static let deleteTag: UInt8 = 2

    /// Encodes ops in order.
    public static func encode(_ ops: [Op]) -> [UInt8] {
        var table: [ReplicaID] = []
        var index: [ReplicaID: Int] = [:]
        func intern(_ replica: ReplicaID) {
            if index[replica] == nil { index[replica] = table.count; table.append(replica) }
        }
        for op in ops {
            switch op {
            case .insert(let insertion):
                intern(insertion.id.replica)
                insertion.originLeft.map { intern($0.replica) }
                insertion.originRight.map { intern($0.replica) }
            case .delete(let deletion):
                for span in deletion.spans { intern(span.start.replica) }
            }
        }
        var writer = ByteWriter()
        writer.byte(version)
        writer.varint(table.count)
        for replica in table { writer.uint64(replica.rawValue) }
        writer.varint(ops.count)
        func reference(_ id: CharID?) {
            guard let id else { return writer.varint(0) }
            writer.varint(index[id.replica]! + 1)
            writer.varint(id.counter)
        }
        for op in ops {
            switch op {
            case .insert(let insertion):
                writer.byte(insertTag)
                writer.varint(index[insertion.id.replica]!)
                writer.varint(insertion.id.counter)
                reference(insertion.originLeft)
                reference(insertion.originRight)
                writer.string(insertion.text)
            case .delete(let deletion):
                writer.byte(deleteTag)
                writer.varint(deletion.spans.count)
                for span in deletion.spans {
                    writer.varint(index[span.start.replica]!)
                    writer.varint(span.start.counter)
                    writer.varint(span.length)
                }
            }
        }
        return writer.bytes
    }

    /// Decodes a batch written by `encode`.
    /// - Throws: `DecodingError` for anything but a whole, valid batch.
    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> [Op] {
        var reader = ByteReader(bytes)
        let ops = try decode(from: &reader)
        try reader.expectEnd()
        return ops
    }

    /// Decodes one batch from `reader`, leaving it after the batch (for containers).
    public static func decode(from reader: inout ByteReader) throws(DecodingError) -> [Op] {
        let formatVersion = try reader.byte()
        guard formatVersion == version else {
            throw DecodingError(.unsupportedVersion, "op batch format \(formatVersion); this build reads \(version)")
        }
        let tableCount = try reader.count(minimumBytes: 8)
        var table: [ReplicaID] = []
        table.reserveCapacity(tableCount)
        for _ in 0..<tableCount { table.append(ReplicaID(try reader.uint64())) }
        func replica() throws(DecodingError) -> ReplicaID {
            let at = reader.offset
            let value = try reader.varint()
            guard value < UInt64(table.count) else { throw DecodingError(.invalid, "replica index \(value) at byte \(at) outside the table of \(table.count)") }
            return table[Int(value)]
        }
        func reference() throws(DecodingError) -> CharID? {
            let at = reader.offset
            let value = try reader.varint()
            if value == 0 { return nil }
            guard value <= UInt64(table.count) else { throw DecodingError(.invalid, "replica reference \(value) at byte \(at) outside the table of \(table.count)") }
            return CharID(replica: table[Int(value - 1)], counter: try reader.varint32())
        }
        let opCount = try reader.count(minimumBytes: 2)
        var ops: [Op] = []
        ops.reserveCapacity(opCount)
        for _ in 0..<opCount {
            let at = reader.offset
            switch try reader.byte() {
            case insertTag:
                let id = CharID(replica: try replica(), counter: try reader.varint32())
                let originLeft = try reference()
                let originRight = try reference()
                let text = try reader.string()
                guard !text.isEmpty else { throw DecodingError(.invalid, "insertion at byte \(at) has no text") }
                ops.append(.insert(Insertion(id: id, originLeft: originLeft, originRight: originRight, text: text)))
            case deleteTag:
                let spanCount = try reader.count(minimumBytes: 3)
                guard spanCount > 0 else { throw DecodingError(.invalid, "deletion at byte \(at) has no spans") }
                var spans: [IDSpan] = []
                spans.reserveCapacity(spanCount)
                for _ in 0..<spanCount {
                    let start = CharID(replica: try replica(), counter: try reader.varint32())
                    let length = try reader.varint32()
                    guard length > 0 else { throw DecodingError(.invalid, "deletion at byte \(at) has an empty span") }
                    spans.append(IDSpan(start: start, length: length))
                }
                ops.append(.delete(Deletion(spans: spans)))
            case let tag:
                throw DecodingError(.invalid, "unknown op tag \(tag) at byte \(at)")
            }
        }
        return ops
    }
}
