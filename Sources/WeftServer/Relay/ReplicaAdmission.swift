import Crypto
import WeftCRDT
import WeftWire

/// PROTOCOL.md rule 8 without the store: which hellos bind their replica to their key, what is
/// stored of a key, and when a key shown is refused. `DocumentRoom` and the simulator's relay
/// look the binding up in their stores and decide with these, so the two cannot drift apart.
public enum ReplicaAdmission {
    /// Whether a hello binds its replica to its key. Only a writing hello of the room's epoch (or
    /// of none) does: one of another epoch holds a copy about to be given back under a new
    /// replica, or set aside, so its replica writes nothing in this epoch and the copies given
    /// back must be able to restore its characters; a reader writes nothing of its own, and
    /// bound, its replica would count as writing in this epoch.
    public static func binds(helloEpoch: UInt64, roomEpoch: UInt64, readOnly: Bool) -> Bool {
        (helloEpoch == 0 || helloEpoch == roomEpoch) && !readOnly
    }

    /// What the store keeps of a key: its SHA-256, never the key. Nil for no key (an older client).
    public static func storedHash(of key: [UInt8]) -> [UInt8]? {
        key.isEmpty ? nil : Array(SHA256.hash(data: key))
    }

    /// The refusal for a read-only hello of a document the store does not hold: reading makes no
    /// document (a reader's copy of one the relay lost cannot be given back by it either).
    /// A reader's copy is of a document deleted or renamed on purpose since.
    public static func retired(_ document: DocumentName) -> WireError {
        WireError(.gone, "\(document) was deleted or renamed on the relay (`weft ls` lists what it holds); opening it for writing starts a new, empty document")
    }

    public static func noDocument(_ document: DocumentName) -> WireError {
        WireError(.noDocument, "there is no document named \(document) on this relay; reading makes none (its first writer does)")
    }

    /// The refusal for a hello whose key (`offered`, hashed) is not the one `replica` is bound to.
    public static func refusal(replica: ReplicaID, document: DocumentName, bound: [UInt8]?, offered: [UInt8]?) -> WireError? {
        guard let bound, bound != offered else { return nil }
        return WireError(.unauthorized, "replica \(replica) belongs to another client of \(document) (its key differs); a client uses only the replica it made")
    }
}
