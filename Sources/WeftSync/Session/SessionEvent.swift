import WeftCRDT
import WeftWire

/// What a session tells a view that keeps its own copy of the replica (the editor).
public enum SessionEvent: Sendable {
    /// Others' ops, already applied to the session's replica; apply them to the copy too.
    /// `generation` is the replica's generation they belong to.
    case remote([Op], generation: Int)
    /// The session's replica was replaced (a snapshot, or the document was reset): take a new
    /// copy with `replicaCopy()`, and drop `remote` events of older generations.
    case replaced(generation: Int)
    /// Another person's presence changed (nil: they left).
    case presence(ReplicaID, Presence?)
    /// Something the user should read (also kept in `notices`).
    case notice(String)
    /// Trouble with the connection that the reconnect under way may mend (also kept in
    /// `notices`): worth showing until the relay answers again.
    case trouble(String)
}
