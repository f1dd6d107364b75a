import WeftCRDT
import WeftWire

extension RelayConnection {
    /// Binds `replica` to `author` (the first user to use a replica keeps it), or says why this
    /// connection may not use it: a user never commits under another's name. An unverified name
    /// (no token names a user) from a hello that showed the replica's key is the same client
    /// under another name (`$USER` differs between shells, `--name` in one command only): it is
    /// taken, and the replica keeps its first name.
    func bind(_ replica: ReplicaID, in document: DocumentName, to author: BatchAuthor, keyShown: Bool) async -> WireError? {
        let bound: BatchAuthor
        do {
            bound = try await store.bindAuthor(replica, in: document, to: author)
        } catch {
            logger.error("could not bind a replica to its user", metadata: ["document": "\(document)", "error": "\(error)"])
            return WireError(.unavailable, "the relay cannot record this replica's user now; try again later")
        }
        // Names decide: the same person moving from a relay without tokens to one with them keeps
        // their replica (the store then records the name as verified).
        guard bound.name != author.name, author.verified || !keyShown else { return nil }
        return WireError(.unauthorized, "replica \(replica) of \(document) belongs to \(bound.name); \(author.name) cannot write as it (a client uses only the replica it made)")
    }
}
