import WeftServer

/// Something scheduled to happen in the simulated world.
enum WorldEvent {
    /// The handshake of a link finished: it is open at both ends, or refused.
    case linkOpened(link: UInt64)
    /// A message arrives at the relay end, or the client end, of a link.
    case toRelay(link: UInt64, bytes: [UInt8])
    case toClient(link: UInt64, bytes: [UInt8])
    /// The link ended, as seen from the client, or from the relay.
    case closedAtClient(link: UInt64, reason: String)
    case closedAtRelay(link: UInt64)
    /// A client's timers: its retry, and the deadline of a connection attempt.
    case retryDue(client: Int, token: UInt64)
    case connectDeadline(client: Int, link: UInt64)
    case clientRestarts(client: Int)
    /// A store operation a relay's room started has finished (`generation`: the room it belongs to).
    case storeOperation(relay: Int, generation: Int, RoomScheduler.Action)
    /// Another relay's commit is notified to this one.
    case notified(relay: Int, generation: Int, head: UInt64)
    case relayRestarts(relay: Int)
    /// The workload's next edit, and the next fault.
    case workload
    case fault
    case storeBack
    case partitionHeals(client: Int)
    /// A client opens for the first time (a brand-new client joining late).
    case clientStarts(client: Int)
}
