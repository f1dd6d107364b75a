import WeftCRDT

extension ServerMessage {
    /// The message as one WebSocket binary frame.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        switch self {
        case .welcome(let welcome):
            writer.byte(MessageType.welcome)
            writer.varint(welcome.protocolVersion)
            writer.uint64(welcome.epoch)
            writer.varint(welcome.serverSeq)
            writer.varint(welcome.lastClientSeq)
            writer.byte((welcome.readOnly ? 1 : 0) | (welcome.restore ? 2 : 0) | (welcome.restoreAgain ? 4 : 0))
        case .snapshot(let serverSeq, let bytes):
            writer.byte(MessageType.snapshot)
            writer.varint(serverSeq)
            writer.bytes(bytes)
        case .broadcast(let serverSeq, let replica, let clientSeq, let ops):
            writer.byte(MessageType.broadcast)
            writer.varint(serverSeq)
            writer.uint64(replica.rawValue)
            writer.varint(clientSeq)
            writer.bytes(OpCodec.encode(ops))
        case .caughtUp(let serverSeq):
            writer.byte(MessageType.caughtUp)
            writer.varint(serverSeq)
        case .ack(let clientSeq, let serverSeq):
            writer.byte(MessageType.ack)
            writer.varint(clientSeq)
            writer.varint(serverSeq)
        case .presence(let replica, let presence):
            writer.byte(MessageType.presenceUpdate)
            writer.uint64(replica.rawValue)
            writer.presence(presence)
        case .presenceGone(let replica):
            writer.byte(MessageType.presenceGone)
            writer.uint64(replica.rawValue)
        case .error(let error, let fatal):
            writer.byte(MessageType.error)
            writer.string(error.code.rawValue)
            writer.string(String(decoding: error.message.utf8.prefix(WireLimits.maxErrorMessageBytes), as: UTF8.self))
            writer.byte(fatal ? 1 : 0)
        case .receipt(let receipt):
            writer.byte(MessageType.receipt)
            writer.receipt(receipt)
        }
        return writer.bytes
    }

    /// Decodes one frame from a relay.
    /// - Throws: `WireError` (`too-large` or `malformed`).
    public init(decoding bytes: [UInt8]) throws(WireError) {
        let limit = bytes.first == MessageType.snapshot ? WireLimits.maxSnapshotMessageBytes : WireLimits.maxFrameBytes
        var reader = try WireReader(bytes, limit: limit)
        switch try reader.byte() {
        case MessageType.welcome:
            let version = try reader.varint32()
            guard version == WireProtocol.version else {
                throw WireError(.upgradeRequired, "the relay speaks protocol \(version); this weft speaks \(WireProtocol.version)")
            }
            let epoch = try reader.uint64()
            let serverSeq = try reader.varint()
            let lastClientSeq = try reader.varint()
            let flags = try reader.flags(known: 7, field: "welcome")
            self = .welcome(Welcome(protocolVersion: version, epoch: epoch, serverSeq: serverSeq, lastClientSeq: lastClientSeq,
                                    readOnly: flags & 1 != 0, restore: flags & 2 != 0, restoreAgain: flags & 4 != 0))
        case MessageType.snapshot:
            let serverSeq = try reader.varint()
            self = .snapshot(serverSeq: serverSeq, bytes: try reader.bytes(limit: WireLimits.maxSnapshotMessageBytes, field: "the snapshot"))
        case MessageType.broadcast:
            let serverSeq = try reader.varint()
            let replica = ReplicaID(try reader.uint64())
            let clientSeq = try reader.varint()
            self = .broadcast(serverSeq: serverSeq, replica: replica, clientSeq: clientSeq, ops: try reader.ops(field: "the broadcast"))
        case MessageType.caughtUp:
            self = .caughtUp(serverSeq: try reader.varint())
        case MessageType.ack:
            let clientSeq = try reader.varint()
            self = .ack(clientSeq: clientSeq, serverSeq: try reader.varint())
        case MessageType.presenceUpdate:
            let replica = ReplicaID(try reader.uint64())
            self = .presence(replica: replica, try reader.presence())
        case MessageType.presenceGone:
            self = .presenceGone(replica: ReplicaID(try reader.uint64()))
        case MessageType.error:
            let code = try reader.string(limit: 32, field: "the error code")
            let message = try reader.string(limit: WireLimits.maxErrorMessageBytes, field: "the error message")
            let flags = try reader.flags(known: 1, field: "error")
            self = .error(WireError(WireErrorCode(code), message), fatal: flags & 1 != 0)
        case MessageType.receipt:
            self = .receipt(try reader.receipt())
        case MessageType.bundle:
            throw WireError(.malformed, "a bundle of relay messages where one message was expected (a bundle is read with ServerMessage.messages(decoding:))")
        case let type:
            throw WireError(.malformed, "unknown relay message type \(type)")
        }
        try reader.expectEnd()
    }
}
