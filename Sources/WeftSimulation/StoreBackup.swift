import WeftServer

/// A copy of the shared store as a backup took it, with the log the simulator knew it to hold.
struct StoreBackup {
    let store: MemoryStoreState
    let log: [LogEntry]
    let takenAt: VirtualTime
}
