import WeftCRDT

/// Snapshot size, load time and the loaded document's heap, shared by both benchmarks.
struct SnapshotFigures {
    var bytes: Int
    var loadMs: Double
    var heapBytes: Int

    init(of replica: Replica, runs: Int) throws {
        let snapshot = replica.encodeSnapshot()
        bytes = snapshot.count
        let loader = ReplicaID(0xB0B)
        loadMs = try Measure.median(runs: max(runs, 20)) {
            _ = try Replica(snapshot: snapshot, replicaID: loader)
        }
        let before = Measure.heapInUse()
        let loaded = try Replica(snapshot: snapshot, replicaID: loader)
        heapBytes = Measure.heapInUse() - before
        guard loaded.count == replica.count else { throw BenchmarkFailure("snapshot reloaded with a different length") }
        withExtendedLifetime(loaded) {}
    }
}

