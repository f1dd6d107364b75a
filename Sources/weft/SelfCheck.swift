import ArgumentParser
import WeftCRDT

/// `weft self-check`: merges two concurrent edits on two in-memory replicas and prints the result,
/// so a new install can show the core works without a server.
struct SelfCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "self-check",
        abstract: "Merge two concurrent edits in memory and print the converged text."
    )

    func run() throws {
        var alice = Replica(replicaID: ReplicaID(1))
        var bob = Replica(replicaID: ReplicaID(2))
        let base = try alice.insert("Hello !", at: 0)!
        try bob.apply(base)
        let fromAlice = try alice.insert("world", at: 6)!
        let fromBob = try bob.insert("there", at: 6)!
        try alice.apply(fromBob)
        try bob.apply(fromAlice)
        guard alice.text == bob.text else {
            throw ValidationError("replicas diverged: \(alice.text.debugDescription) vs \(bob.text.debugDescription)")
        }
        print(alice.text)
    }
}
