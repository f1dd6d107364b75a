/// The relay's signed word that it durably committed a replica's batches through `clientSeq`,
/// and that the document's log had reached `serverSeq`, in one epoch of one document
/// (PROTOCOL.md, `receipt`). A client keeps the latest; should the relay later lack those
/// batches, or that much of its log (restored from an old backup), the client shows it in its
/// hello, and only then does the relay move the document to a new epoch: without it, any client
/// could make every client of a document give its copy back.
public struct Receipt: Hashable, Sendable {
    /// Batches of the replica through this clientSeq are durable.
    public var clientSeq: UInt64
    /// The document's log had reached this serverSeq.
    public var serverSeq: UInt64
    /// The relay's message authentication code over the document, epoch, replica, `clientSeq`
    /// and `serverSeq` (`proofBytes` bytes from Weft's relay; opaque to clients).
    public var proof: [UInt8]

    /// What Weft's relay makes: the first 16 bytes of an HMAC-SHA256.
    public static let proofBytes = 16

    public init(clientSeq: UInt64, serverSeq: UInt64, proof: [UInt8]) {
        self.clientSeq = clientSeq
        self.serverSeq = serverSeq
        self.proof = proof
    }
}
