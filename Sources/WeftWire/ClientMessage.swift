import WeftCRDT

/// What a client sends (PROTOCOL.md, "Client messages").
public enum ClientMessage: Hashable, Sendable {
    /// Opens the session; must come first.
    case hello(Hello)
    /// Local ops, numbered per (document, replica) from 1 without gaps.
    case batch(clientSeq: UInt64, ops: [Op])
    /// The sender's cursor and selections.
    case presence(Presence)
    /// A piece of the sender's copy of the whole document, given back to a relay that lost it:
    /// numbered like batches, but its ops carry their original ids, whoever typed them
    /// (`Replica.restorationOps`). Only on a connection welcomed with `restore`.
    case restore(clientSeq: UInt64, ops: [Op])
}

/// The first message of every connection.
public struct Hello: Hashable, Sendable {
    public var protocolVersion: UInt32
    public var document: DocumentName
    /// The document epoch the client's cache belongs to; 0 when it has none.
    public var epoch: UInt64
    public var replica: ReplicaID
    /// The highest server sequence the client has applied; 0 for none.
    public var lastServerSeq: UInt64
    /// The client will only read (a pager): the relay never accepts a batch from it.
    public var readOnly: Bool
    /// The client will send its copy of the document as `restore` messages on this connection
    /// (it found the relay without its history; PROTOCOL.md, "Healing a relay").
    public var restoring: Bool
    /// The relay lost batches it had acknowledged to this client: the receipt it gave for the
    /// last of them (flag bit 2). The document's log no longer matches what clients applied, so
    /// the relay starts a new epoch for it, once it has checked that the receipt is its own.
    public var lostBatchesReceipt: Receipt?
    /// The client keeps receipts (flag bit 4): the relay sends one after each ack and after the
    /// welcome (`ServerMessage.receipt`).
    public var wantsReceipts: Bool
    /// Flag bit 2.
    public var relayLostHistory: Bool { lostBatchesReceipt != nil }
    /// A token from `weft token create`; empty for none.
    public var token: String
    /// The replica's key: a secret the client made with the replica and keeps with it. The first
    /// writing hello with a key binds the replica to it; after that, only hellos with the same key may use
    /// the replica (nobody else can write or show presence as it). Empty: none (the replica stays
    /// unbound, and is refused once it is bound).
    public var replicaKey: [UInt8]
    /// Replicas this copy wrote as before it gave itself back (flag bit 5, only with `restoring`),
    /// each with its key: the proof that characters of theirs the relay lacks are this copy's
    /// own to give back, though those replicas are bound in the document's current epoch.
    public var formerReplicas: [FormerReplica]
    /// The batch the log held at `lastServerSeq` as this client applied it (flag bit 6): a relay
    /// whose log holds another batch there went back in time and went on (restored from an old
    /// backup, then written to), and asks for this copy rather than replay after it.
    public var lastEntry: LogPosition?
    /// The client reads bundles (flag bit 7): the relay may send it several messages in one
    /// WebSocket message (`RelayBundle`, read with `ServerMessage.messages(decoding:)`).
    public var takesBundles: Bool
    /// The name of the person using the client, as their configuration says; empty for none.
    /// Unverified: a relay that takes tokens names batches after the token's user instead, and
    /// records this name, marked unverified, only for connections without a token.
    public var userName: String

    public init(protocolVersion: UInt32 = WireProtocol.version, document: DocumentName, epoch: UInt64, replica: ReplicaID,
                lastServerSeq: UInt64, readOnly: Bool = false, restoring: Bool = false, lostBatchesReceipt: Receipt? = nil,
                wantsReceipts: Bool = false, token: String = "", replicaKey: [UInt8] = [], userName: String = "",
                formerReplicas: [FormerReplica] = [], lastEntry: LogPosition? = nil, takesBundles: Bool = false) {
        self.protocolVersion = protocolVersion
        self.document = document
        self.epoch = epoch
        self.replica = replica
        self.lastServerSeq = lastServerSeq
        self.readOnly = readOnly
        self.restoring = restoring
        self.lostBatchesReceipt = lostBatchesReceipt
        self.wantsReceipts = wantsReceipts
        self.token = token
        self.replicaKey = replicaKey
        self.userName = userName
        self.formerReplicas = formerReplicas
        self.lastEntry = lastEntry
        self.takesBundles = takesBundles
    }
}

/// A replica's batch: which one a log entry holds.
public struct LogPosition: Hashable, Sendable {
    public var replica: ReplicaID
    public var clientSeq: UInt64

    public init(replica: ReplicaID, clientSeq: UInt64) {
        self.replica = replica
        self.clientSeq = clientSeq
    }
}

/// A replica a copy wrote as before it gave itself back under a new one, with that replica's key.
public struct FormerReplica: Hashable, Sendable {
    public var replica: ReplicaID
    public var key: [UInt8]

    public init(replica: ReplicaID, key: [UInt8]) {
        self.replica = replica
        self.key = key
    }
}
