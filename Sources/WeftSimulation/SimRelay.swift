import WeftServer

/// One simulated relay: its rooms' memory (one document here) and its connections. Killing it
/// loses that memory and whatever it had accepted and not committed; the store keeps the rest.
final class SimRelay {
    let index: Int
    var alive = true
    /// Bumped when it is killed: events of its former life are ignored.
    var generation = 0
    var room: RoomScheduler?
    /// Bumped whenever a room is loaded (and when the relay dies): a store operation a former
    /// room started still reaches the store, but its outcome is not fed to the new room.
    var roomIncarnation = 0
    /// Its links: whether each has sent its hello.
    var connections: [UInt64: Bool] = [:]
    /// The batches of the commit in flight: a kill may land before or after the store commits them.
    var commitInFlight: [PendingBatch]?
    let compaction: CompactionPolicy

    init(index: Int, compaction: CompactionPolicy) {
        self.index = index
        self.compaction = compaction
    }
}
