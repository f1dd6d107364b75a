import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport

/// Real editing sessions from shared/traces: replaying them must give exactly their final text.
@Suite(.ownThread) struct TraceTests {
    static let sequentialNames = (try? TraceLoader.files(in: "sequential").map(TraceLoader.name(of:))) ?? []

    @Test func tracesArePresent() {
        #expect(Self.sequentialNames.count >= 8, "expected the traces in \(TraceLoader.directory.path) (set WEFT_TRACES)")
    }

    @Test(arguments: sequentialNames)
    func sequentialTraceReplaysToEndContent(_ name: String) throws {
        let trace = try TraceLoader.sequential(TraceLoader.path("sequential", name))
        let (replica, ops) = try TraceReplay.sequential(trace)
        #expect(replica.count == trace.endContent.unicodeScalars.count)
        #expect(replica.text == trace.endContent)
        replica.checkInvariants()
        // The ops a local replay produced rebuild the same text on a replica that only receives.
        var receiver = Replica(replicaID: ReplicaID(99))
        try receiver.apply(ops)
        #expect(receiver.text == trace.endContent)
        // And the snapshot round trip keeps it, with history.
        let loaded = try Replica(snapshot: replica.encodeSnapshot(), replicaID: replica.replicaID)
        loaded.checkInvariants()
        #expect(loaded.text == trace.endContent)
        #expect(loaded.version == replica.version)
    }

    @Test(arguments: ["friendsforever", "clownschool"])
    func concurrentTraceConverges(_ name: String) throws {
        let trace = try TraceLoader.concurrent(TraceLoader.path("concurrent", name))
        let (ops, replicas) = try TraceReplay.concurrent(trace)
        for replica in replicas {
            #expect(replica.text == trace.endContent, "agent replica \(replica.replicaID) diverged")
            #expect(replica.pendingCount == 0)
        }
        replicas[0].checkInvariants()
        // A late joiner applying every transaction in causal order gets the same text.
        var joiner = Replica(replicaID: ReplicaID(7))
        for txn in ops { try joiner.apply(txn) }
        #expect(joiner.text == trace.endContent)
        // So does one receiving them newest first: everything waits, then drains.
        var reversed = Replica(replicaID: ReplicaID(8))
        for txn in ops.reversed() { try reversed.apply(txn) }
        #expect(reversed.pendingCount == 0)
        #expect(reversed.text == trace.endContent)
        reversed.checkInvariants()
    }
}
