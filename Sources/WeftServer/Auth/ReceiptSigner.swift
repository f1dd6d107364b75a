import Crypto
import WeftCRDT
import WeftWire

/// Makes and checks receipts (PROTOCOL.md, `receipt`): the first 16 bytes of
/// HMAC-SHA256(K, "weft receipt" · `string` document · `u64` epoch · `u64` replica · `varint`
/// clientSeq · `varint` serverSeq), where K = HMAC-SHA256(secret, "weft receipt key") keeps them apart from tokens.
/// Every relay on one store has the same secret, and a store restored from a backup brings its
/// secret back with it, so a receipt is checked wherever the document is served.
public struct ReceiptSigner: Sendable {
    /// The derived key's bytes (SymmetricKey is not Sendable).
    private let key: [UInt8]

    /// - Parameter secret: the relay's secret (`ServerSecret`, or the shared one in PostgreSQL).
    public init(secret: [UInt8]) {
        key = Array(HMAC<SHA256>.authenticationCode(for: Array("weft receipt key".utf8), using: SymmetricKey(data: secret)))
    }

    /// The receipt for `replica`'s batches through `clientSeq`, the log at `serverSeq`, in
    /// `epoch` of `document`.
    public func receipt(document: DocumentName, epoch: UInt64, replica: ReplicaID, clientSeq: UInt64, serverSeq: UInt64) -> Receipt {
        var writer = ByteWriter()
        writer.raw(Array("weft receipt".utf8))
        writer.string(document.rawValue)
        writer.uint64(epoch)
        writer.uint64(replica.rawValue)
        writer.varint(clientSeq)
        writer.varint(serverSeq)
        let code = HMAC<SHA256>.authenticationCode(for: writer.bytes, using: SymmetricKey(data: key))
        return Receipt(clientSeq: clientSeq, serverSeq: serverSeq, proof: Array(Array(code).prefix(Receipt.proofBytes)))
    }

    /// Whether this relay's store made `receipt` for `replica` in `epoch` of `document`.
    public func isGenuine(_ receipt: Receipt, document: DocumentName, epoch: UInt64, replica: ReplicaID) -> Bool {
        let expected = self.receipt(document: document, epoch: epoch, replica: replica, clientSeq: receipt.clientSeq, serverSeq: receipt.serverSeq).proof
        guard receipt.proof.count == expected.count else { return false }
        // Constant time: how many leading bytes match must not show in how long the check takes.
        return zip(receipt.proof, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
