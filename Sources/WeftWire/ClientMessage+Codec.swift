import WeftCRDT

extension ClientMessage {
    /// The message as one WebSocket binary frame.
    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        switch self {
        case .hello(let hello):
            writer.byte(MessageType.hello)
            writer.varint(hello.protocolVersion)
            writer.string(hello.document.rawValue)
            writer.uint64(hello.epoch)
            writer.uint64(hello.replica.rawValue)
            writer.varint(hello.lastServerSeq)
            writer.byte((hello.readOnly ? 1 : 0) | (hello.restoring ? 2 : 0) | (hello.relayLostHistory ? 4 : 0)
                        | (hello.userName.isEmpty ? 0 : 8) | (hello.wantsReceipts ? 16 : 0) | (hello.formerReplicas.isEmpty ? 0 : 32) | (hello.lastEntry == nil ? 0 : 64)
                        | (hello.takesBundles ? 128 : 0))
            writer.string(hello.token)
            writer.bytes(hello.replicaKey)
            // Only with flag bit 3, so a hello without a name is byte for byte what it always was.
            if !hello.userName.isEmpty { writer.string(hello.userName) }
            if let receipt = hello.lostBatchesReceipt { writer.receipt(receipt) }
            if !hello.formerReplicas.isEmpty {
                writer.varint(UInt64(hello.formerReplicas.count))
                for former in hello.formerReplicas {
                    writer.uint64(former.replica.rawValue)
                    writer.bytes(former.key)
                }
            }
            if let entry = hello.lastEntry {
                writer.uint64(entry.replica.rawValue)
                writer.varint(entry.clientSeq)
            }
        case .batch(let clientSeq, let ops):
            writer.byte(MessageType.batch)
            writer.varint(clientSeq)
            writer.bytes(OpCodec.encode(ops))
        case .presence(let presence):
            writer.byte(MessageType.presence)
            writer.presence(presence)
        case .restore(let clientSeq, let ops):
            writer.byte(MessageType.restore)
            writer.varint(clientSeq)
            writer.bytes(OpCodec.encode(ops))
        }
        return writer.bytes
    }

    /// Decodes one frame from a client.
    /// - Throws: `WireError`: `upgrade-required` for a hello of another protocol version,
    ///   `too-large` past a limit, `bad-name` for a document name, `malformed` otherwise.
    public init(decoding bytes: [UInt8]) throws(WireError) {
        var reader = try WireReader(bytes)
        switch try reader.byte() {
        case MessageType.hello:
            let version = try reader.varint32()
            guard version == WireProtocol.version else {
                throw WireError(.upgradeRequired, "this relay speaks protocol \(WireProtocol.version); the client speaks \(version): install a matching weft")
            }
            let document = try DocumentName(try reader.string(limit: WireLimits.maxDocumentNameBytes, field: "the document name"))
            let epoch = try reader.uint64()
            let replica = ReplicaID(try reader.uint64())
            let lastServerSeq = try reader.varint()
            let flags = try reader.byte()
            let token = try reader.string(limit: WireLimits.maxTokenBytes, field: "the token")
            let key = try reader.bytes(limit: WireLimits.maxReplicaKeyBytes, field: "the replica key")
            var userName = ""
            if flags & 8 != 0 {
                userName = try reader.string(limit: WireLimits.maxUserNameBytes, field: "the user name")
                guard !userName.isEmpty else { throw WireError(.malformed, "hello flag bit 3 announces a user name, and the name is empty") }
            }
            let receipt = flags & 4 != 0 ? try reader.receipt() : nil
            var formerReplicas: [FormerReplica] = []
            if flags & 32 != 0 {
                guard flags & 2 != 0 else { throw WireError(.malformed, "hello flag bit 5 (earlier replicas) comes only with flag bit 1 (restoring)") }
                let count = try reader.varint()
                guard (1...UInt64(WireLimits.maxFormerReplicas)).contains(count) else {
                    throw WireError(.malformed, "a hello names 1 to \(WireLimits.maxFormerReplicas) earlier replicas, not \(count)")
                }
                for _ in 0..<count {
                    let replica = ReplicaID(try reader.uint64())
                    let key = try reader.bytes(limit: WireLimits.maxReplicaKeyBytes, field: "an earlier replica's key")
                    guard !key.isEmpty else { throw WireError(.malformed, "earlier replica \(replica) comes without its key") }
                    formerReplicas.append(FormerReplica(replica: replica, key: key))
                }
            }
            var lastEntry: LogPosition?
            if flags & 64 != 0 {
                let replica = ReplicaID(try reader.uint64())
                let clientSeq = try reader.varint()
                guard clientSeq > 0, lastServerSeq > 0 else {
                    throw WireError(.malformed, "hello flag bit 6 names a batch: client sequence numbers start at 1, and it needs a last server sequence")
                }
                lastEntry = LogPosition(replica: replica, clientSeq: clientSeq)
            }
            self = .hello(Hello(protocolVersion: version, document: document, epoch: epoch, replica: replica,
                                lastServerSeq: lastServerSeq, readOnly: flags & 1 != 0, restoring: flags & 2 != 0,
                                lostBatchesReceipt: receipt, wantsReceipts: flags & 16 != 0, token: token, replicaKey: key, userName: userName,
                                formerReplicas: formerReplicas, lastEntry: lastEntry, takesBundles: flags & 128 != 0))
        case MessageType.batch:
            let clientSeq = try reader.varint()
            guard clientSeq > 0 else { throw WireError(.malformed, "client sequence numbers start at 1") }
            self = .batch(clientSeq: clientSeq, ops: try reader.ops(field: "the batch"))
        case MessageType.restore:
            let clientSeq = try reader.varint()
            guard clientSeq > 0 else { throw WireError(.malformed, "client sequence numbers start at 1") }
            self = .restore(clientSeq: clientSeq, ops: try reader.ops(field: "the restore batch"))
        case MessageType.presence:
            self = .presence(try reader.presence())
        case let type:
            throw WireError(.malformed, "unknown client message type \(type)")
        }
        try reader.expectEnd()
    }
}
