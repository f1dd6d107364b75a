import WeftCRDT

/// Several relay messages in one WebSocket message (type `8A`, PROTOCOL.md "Bundles"), for a
/// client whose hello sets flag bit 7. A relay with many messages waiting for one connection
/// sends them in a few writes instead of one each: under heavy fan-out the writes, not the
/// messages, are what a relay and its clients spend their time on.
public enum RelayBundle {
    /// Bundles hold at least this many messages: one message is sent as itself.
    public static let minimumMessages = 2

    /// Splits messages of `sizes` (nil: a message that must go alone, a snapshot), in order,
    /// into runs each sent as one WebSocket message of at most `limit` bytes: a run of one is the
    /// message itself, a longer run a bundle.
    public static func runs(sizes: [Int?], limit: Int = WireLimits.maxFrameBytes) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start = 0
        var used = 0
        func close(at end: Int) {
            if start < end { runs.append(start..<end) }
            start = end
            used = 0
        }
        for (index, size) in sizes.enumerated() {
            guard let size else {
                close(at: index)
                runs.append(index..<index + 1)
                start = index + 1
                continue
            }
            let cost = size + varintSize(size)
            // What the run would take with this message, its count's varint at its widest.
            if index > start, 1 + varintSize(index - start + 1) + used + cost > limit { close(at: index) }
            used += cost
        }
        close(at: sizes.count)
        return runs
    }

    /// The bundle of `messages` (each one encoded relay message), at least `minimumMessages`.
    public static func encode(_ messages: [[UInt8]]) -> [UInt8] {
        precondition(messages.count >= minimumMessages, "a bundle holds at least two messages")
        var bytes = header(count: messages.count)
        for message in messages {
            bytes += lengthPrefix(message.count)
            bytes += message
        }
        return bytes
    }

    /// The first bytes of a bundle of `count` messages; each message follows as its length
    /// (`lengthPrefix`) and its bytes.
    public static func header(count: Int) -> [UInt8] {
        var writer = ByteWriter()
        writer.byte(MessageType.bundle)
        writer.varint(count)
        return writer.bytes
    }

    /// The varint length before one message in a bundle.
    public static func lengthPrefix(_ size: Int) -> [UInt8] {
        var writer = ByteWriter()
        writer.varint(size)
        return writer.bytes
    }

    private static func varintSize(_ value: Int) -> Int { ByteWriter.varintSize(UInt64(value)) }
}

extension ServerMessage {
    /// Whether the message may travel in a bundle with others: every one but a snapshot, which
    /// is sent alone.
    public var travelsInBundles: Bool {
        if case .snapshot = self { false } else { true }
    }

    /// Decodes one WebSocket message from a relay: a single message, or each message of a bundle
    /// in order.
    /// - Throws: `WireError` (`too-large` or `malformed`), for the bundle or any message in it.
    public static func messages(decoding bytes: [UInt8]) throws(WireError) -> [ServerMessage] {
        guard bytes.first == MessageType.bundle else { return [try ServerMessage(decoding: bytes)] }
        var reader = try WireReader(bytes)
        _ = try reader.byte()
        let count = try reader.varint()
        guard count >= RelayBundle.minimumMessages else {
            throw WireError(.malformed, "a bundle holds \(count) message\(count == 1 ? "" : "s"); it holds at least \(RelayBundle.minimumMessages)")
        }
        // Each message takes at least two bytes (its length and type): a count past that is a lie.
        guard count <= UInt64(bytes.count / 2) else {
            throw WireError(.malformed, "a bundle of \(bytes.count) bytes cannot hold \(count) messages")
        }
        var messages: [ServerMessage] = []
        messages.reserveCapacity(Int(count))
        for index in 0..<Int(count) {
            let inner = try reader.bytes(limit: WireLimits.maxFrameBytes, field: "message \(index + 1) of the bundle")
            switch inner.first {
            case MessageType.bundle: throw WireError(.malformed, "a bundle holds another bundle (message \(index + 1))")
            case MessageType.snapshot: throw WireError(.malformed, "a bundle holds a snapshot (message \(index + 1)); snapshots are sent alone")
            default: messages.append(try ServerMessage(decoding: inner))
            }
        }
        try reader.expectEnd()
        return messages
    }
}
