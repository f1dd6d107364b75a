import WeftCRDT

/// `ByteReader` with the protocol's errors: anything that does not decode is `malformed`.
struct WireReader {
    private var reader: ByteReader

    init(_ bytes: [UInt8], limit: Int = WireLimits.maxFrameBytes) throws(WireError) {
        guard bytes.count <= limit else {
            throw WireError(.tooLarge, "a message of \(bytes.count) bytes exceeds the \(limit)-byte limit")
        }
        reader = ByteReader(bytes)
    }

    private static func wrap<T>(_ body: () throws(DecodingError) -> T) throws(WireError) -> T {
        do { return try body() } catch { throw WireError(.malformed, error.message) }
    }

    mutating func byte() throws(WireError) -> UInt8 { try Self.wrap { () throws(DecodingError) in try reader.byte() } }
    mutating func varint() throws(WireError) -> UInt64 { try Self.wrap { () throws(DecodingError) in try reader.varint() } }
    mutating func varint32() throws(WireError) -> UInt32 { try Self.wrap { () throws(DecodingError) in try reader.varint32() } }
    mutating func uint64() throws(WireError) -> UInt64 { try Self.wrap { () throws(DecodingError) in try reader.uint64() } }

    /// A length-prefixed string of at most `limit` bytes.
    mutating func string(limit: Int, field: String) throws(WireError) -> String {
        let value = try Self.wrap { () throws(DecodingError) in try reader.string() }
        guard value.utf8.count <= limit else { throw WireError(.tooLarge, "\(field) has \(value.utf8.count) bytes; the limit is \(limit)") }
        return value
    }

    /// Length-prefixed bytes of at most `limit`.
    mutating func bytes(limit: Int, field: String) throws(WireError) -> [UInt8] {
        let count = try Self.wrap { () throws(DecodingError) in try reader.count(minimumBytes: 1) }
        guard count <= limit else { throw WireError(.tooLarge, "\(field) has \(count) bytes; the limit is \(limit)") }
        return Array(try Self.wrap { () throws(DecodingError) in try reader.raw(count) })
    }

    /// Flags where only the bits in `known` may be set.
    mutating func flags(known: UInt8, field: String) throws(WireError) -> UInt8 {
        let value = try byte()
        guard value & ~known == 0 else { throw WireError(.malformed, "\(field) has unknown flag bits \(value & ~known)") }
        return value
    }

    mutating func ops(field: String) throws(WireError) -> [Op] {
        let payload = try bytes(limit: WireLimits.maxBatchBytes, field: field)
        let ops = try Self.wrap { () throws(DecodingError) in try OpCodec.decode(payload) }
        guard !ops.isEmpty else { throw WireError(.malformed, "\(field) has no ops") }
        return ops
    }

    mutating func anchor() throws(WireError) -> Anchor {
        switch try byte() {
        case 0: return .start
        case 1: return .end
        case 2: return .before(CharID(replica: ReplicaID(try uint64()), counter: try varint32()))
        case 3: return .after(CharID(replica: ReplicaID(try uint64()), counter: try varint32()))
        case let kind: throw WireError(.malformed, "unknown anchor kind \(kind)")
        }
    }

    mutating func presence() throws(WireError) -> Presence {
        let name = try string(limit: WireLimits.maxUserNameBytes, field: "the user name")
        let colour = try varint()
        guard colour <= 0xFF_FFFF else { throw WireError(.malformed, "colour \(colour) is not 0xRRGGBB") }
        let cursor = try anchor()
        let count = try varint()
        guard count <= UInt64(WireLimits.maxSelections) else {
            throw WireError(.tooLarge, "\(count) selections; the limit is \(WireLimits.maxSelections)")
        }
        var selections: [ClosedAnchorRange] = []
        for _ in 0..<count { selections.append(ClosedAnchorRange(from: try anchor(), to: try anchor())) }
        return Presence(userName: name, colour: UInt32(colour), cursor: cursor, selections: selections)
    }

    mutating func receipt() throws(WireError) -> Receipt {
        let clientSeq = try varint(), serverSeq = try varint()
        return Receipt(clientSeq: clientSeq, serverSeq: serverSeq, proof: try bytes(limit: WireLimits.maxReceiptProofBytes, field: "the receipt's proof"))
    }

    func expectEnd() throws(WireError) {
        try Self.wrap { () throws(DecodingError) in try reader.expectEnd() }
    }
}

extension ByteWriter {
    mutating func anchor(_ anchor: Anchor) {
        switch anchor {
        case .start: byte(0)
        case .end: byte(1)
        case .before(let id), .after(let id):
            if case .before = anchor { byte(2) } else { byte(3) }
            uint64(id.replica.rawValue)
            varint(id.counter)
        }
    }

    mutating func receipt(_ receipt: Receipt) {
        varint(receipt.clientSeq)
        varint(receipt.serverSeq)
        bytes(receipt.proof)
    }

    mutating func presence(_ presence: Presence) {
        string(presence.userName)
        varint(presence.colour)
        anchor(presence.cursor)
        varint(presence.selections.count)
        for selection in presence.selections {
            anchor(selection.from)
            anchor(selection.to)
        }
    }

    mutating func bytes(_ data: [UInt8]) {
        varint(data.count)
        raw(data)
    }
}
