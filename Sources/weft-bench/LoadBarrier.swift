import Synchronization

/// Where the load clients of one `weft-bench relay` run meet when they have stopped sending, so
/// each can wait for every broadcast of the others before it disconnects (and the run can check
/// that fan-out lost nothing).
final class LoadBarrier: Sendable {
    private let expected: Int
    private let state = Mutex((arrived: 0, totalSent: 0))

    init(clients: Int) { expected = clients }

    /// Reports that a client sent `sent` batches, all acknowledged.
    func arrive(sent: Int) {
        state.withLock { $0.arrived += 1; $0.totalSent += sent }
    }

    /// Batches all clients sent, once all have arrived; nil before.
    var totalSent: Int? {
        state.withLock { $0.arrived == expected ? $0.totalSent : nil }
    }
}
