/// The protocol version this build speaks, and the limits both sides enforce (PROTOCOL.md).
public enum WireProtocol {
    /// Sent in `hello` and `welcome`; a relay that does not speak it answers `upgrade-required`.
    public static let version: UInt32 = 2
}

/// Named limits. A message over a limit is refused with `too-large` (frames, batches, fields).
public enum WireLimits {
    /// The largest WebSocket message either side accepts, in bytes.
    public static let maxFrameBytes = 1 << 20
    /// The largest `snapshot` message a relay sends, in bytes: the only message allowed past
    /// `maxFrameBytes`, because it carries a whole document.
    /// A snapshot holds up to `Replica.maxInsertedCharacters` scalars of UTF-8 text (a 100 MB
    /// document is about 100 MB of snapshot); the limit leaves room for 4-byte scalars and spans.
    public static let maxSnapshotMessageBytes = 1 << 30
    /// The largest op batch payload in a `batch` or `broadcast`, in bytes.
    public static let maxBatchBytes = 512 << 10
    /// Document names: 1 to this many UTF-8 bytes.
    public static let maxDocumentNameBytes = 128
    /// Tokens, in bytes.
    public static let maxTokenBytes = 4096
    /// Replica keys, in bytes (Weft's clients make 32).
    public static let maxReplicaKeyBytes = 64
    /// Earlier replicas a restoring hello names (flag bit 5).
    public static let maxFormerReplicas = 16
    /// A receipt's proof, in bytes (Weft's relay makes 16).
    public static let maxReceiptProofBytes = 64
    /// A user's display name, in bytes.
    public static let maxUserNameBytes = 64
    /// Selections in one presence message.
    public static let maxSelections = 64
    /// Error messages, in bytes.
    public static let maxErrorMessageBytes = 1024
}
