import WeftCRDT
import WeftWire

/// Another person in the document, as their presence last said.
public struct Peer: Equatable, Sendable {
    public var replica: ReplicaID
    public var presence: Presence
}
