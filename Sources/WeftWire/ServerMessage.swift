import WeftCRDT

/// What a relay sends (PROTOCOL.md, "Relay messages").
public enum ServerMessage: Hashable, Sendable {
    /// The answer to `hello`.
    case welcome(Welcome)
    /// The whole document as of `serverSeq`, for a client further behind than the log reaches.
    case snapshot(serverSeq: UInt64, bytes: [UInt8])
    /// A committed batch, in server sequence order: replayed history, then live ones.
    case broadcast(serverSeq: UInt64, replica: ReplicaID, clientSeq: UInt64, ops: [Op])
    /// Everything up to `serverSeq` has been sent; what follows is live.
    case caughtUp(serverSeq: UInt64)
    /// The client's batch `clientSeq` is durable as `serverSeq` (also for a batch sent twice).
    case ack(clientSeq: UInt64, serverSeq: UInt64)
    /// Another client's presence.
    case presence(replica: ReplicaID, Presence)
    /// Another client left; forget its presence.
    case presenceGone(replica: ReplicaID)
    /// Something was refused. `fatal`: the relay closes the connection after it.
    case error(WireError, fatal: Bool)
    /// The relay's proof that this connection's replica's batches through the receipt's clientSeq
    /// are durable: only to a hello that asked for receipts (flag bit 4).
    case receipt(Receipt)
}

/// The relay's answer to `hello`.
public struct Welcome: Hashable, Sendable {
    public var protocolVersion: UInt32
    /// The document's epoch: when it differs from the client's, the client's cache is of another
    /// incarnation of the document and must not be merged into it.
    public var epoch: UInt64
    /// The newest server sequence at the time of the welcome.
    public var serverSeq: UInt64
    /// The highest client sequence of this replica that is durable; resend everything after it.
    public var lastClientSeq: UInt64
    /// The relay accepts no batch on this connection (read-only token or read-only hello).
    public var readOnly: Bool
    /// The relay lacks history the client's copy holds (it lost its data, or was restored from
    /// an old backup): the client should give it back. In answer to a `restoring` hello: the
    /// relay takes `restore` messages on this connection.
    public var restore: Bool
    /// In answer to a `restoring` hello only: the copy, still giving itself back, took history
    /// since that the relay lost again (the batch the hello names at its last server sequence is
    /// another here, or the relay is behind it): the restore batches it queued hold less than it
    /// does, so it gives its copy back anew instead of sending them.
    public var restoreAgain: Bool

    public init(protocolVersion: UInt32 = WireProtocol.version, epoch: UInt64, serverSeq: UInt64, lastClientSeq: UInt64,
                readOnly: Bool, restore: Bool = false, restoreAgain: Bool = false) {
        self.protocolVersion = protocolVersion
        self.epoch = epoch
        self.serverSeq = serverSeq
        self.lastClientSeq = lastClientSeq
        self.readOnly = readOnly
        self.restore = restore
        self.restoreAgain = restoreAgain
    }
}
