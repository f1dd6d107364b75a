import WeftCRDT

/// Replays traces through `Replica`s the way editors and servers would use them.
public enum TraceReplay {
    /// Applies every patch as a local edit on one replica; returns it and the ops it produced.
    public static func sequential(_ trace: SequentialTrace, replicaID: ReplicaID = ReplicaID(1)) throws -> (Replica, [Op]) {
        var replica = Replica(replicaID: replicaID)
        var ops: [Op] = []
        ops.reserveCapacity(trace.patches.count)
        for patch in trace.patches {
            if patch.deleteCount > 0, let op = try replica.delete(patch.position..<patch.position + patch.deleteCount) { ops.append(op) }
            if let op = try replica.insert(patch.text, at: patch.position) { ops.append(op) }
        }
        return (replica, ops)
    }

    /// The ops of every transaction, made by one replica per agent that has merged exactly the
    /// transaction's parents (in causal order) before typing it. Also returns those replicas.
    ///
    /// Positions in a trace are where its recording editor put them, after it had ordered
    /// concurrent insertions at one place by its own tie-break. A replica that orders such
    /// insertions otherwise (another tie-break between agents) then reads later positions in
    /// another text: the replay stays valid (every replica converges) but need not end at
    /// `endContent`, and a deletion may even reach past the end of the text. `ids` chooses each
    /// agent's replica id, and so the tie-break; `agentOrder` breaks ties by agent number.
    public static func concurrent(_ trace: ConcurrentTrace, ids: (Int) -> ReplicaID = agentReplicaID) throws -> (ops: [[Op]], replicas: [Replica]) {
        var replicas = (0..<trace.agentCount).map { Replica(replicaID: ids($0)) }
        var applied = Array(repeating: [Bool](repeating: false, count: trace.transactions.count), count: trace.agentCount)
        var ops: [[Op]] = Array(repeating: [], count: trace.transactions.count)
        for (index, txn) in trace.transactions.enumerated() {
            let agent = txn.agent
            // What the parents have seen that this agent's replica has not, oldest first.
            var missing: [Int] = []
            var stack = txn.parents
            while let next = stack.popLast() {
                if applied[agent][next] { continue }
                applied[agent][next] = true
                missing.append(next)
                stack += trace.transactions[next].parents
            }
            for earlier in missing.sorted() { try replicas[agent].apply(ops[earlier]) }
            var made: [Op] = []
            for patch in txn.patches {
                if patch.deleteCount > 0, let op = try replicas[agent].delete(patch.position..<patch.position + patch.deleteCount) { made.append(op) }
                if let op = try replicas[agent].insert(patch.text, at: patch.position) { made.append(op) }
            }
            ops[index] = made
            applied[agent][index] = true
        }
        for agent in 0..<trace.agentCount {
            for index in trace.transactions.indices where !applied[agent][index] {
                try replicas[agent].apply(ops[index])
            }
        }
        return (ops, replicas)
    }

    /// A fixed replica id per agent, spread over the 64-bit range so ties are not broken by agent
    /// number alone.
    public static func agentReplicaID(_ agent: Int) -> ReplicaID {
        ReplicaID((UInt64(agent) &+ 1) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Replica ids in agent order (agent 0 is 1): ties between agents broken by agent number.
    public static func agentOrder(_ agent: Int) -> ReplicaID {
        ReplicaID(UInt64(agent) &+ 1)
    }
}
