import Testing
import WeftTestTraits
import WeftCRDT

/// Concurrent insertions at one place must never interleave, whichever way people type.
@Suite(.ownThread) struct InterleavingTests {
    /// Types `word` at `position` one scalar at a time, forwards or each before the previous.
    func type(_ word: String, at position: Int, backwards: Bool, into replica: inout Replica) throws -> [Op] {
        var ops: [Op] = []
        let scalars = Array(word.unicodeScalars)
        for (index, scalar) in (backwards ? scalars.reversed() : scalars).enumerated() {
            ops.append(try replica.insert(String(scalar), at: backwards ? position : position + index)!)
        }
        return ops
    }

    @Test(arguments: [(false, false), (true, true), (false, true), (true, false)])
    func concurrentWordsStayWhole(aliceBackwards: Bool, bobBackwards: Bool) throws {
        for (aliceID, bobID) in [(1, 2), (2, 1)] {
            var alice = Replica(replicaID: ReplicaID(UInt64(aliceID)))
            var bob = Replica(replicaID: ReplicaID(UInt64(bobID)))
            try bob.apply(alice.insert("<>", at: 0)!)
            let fromAlice = try type("hello", at: 1, backwards: aliceBackwards, into: &alice)
            let fromBob = try type("world", at: 1, backwards: bobBackwards, into: &bob)
            try alice.apply(fromBob)
            try bob.apply(fromAlice)
            #expect(alice.text == bob.text)
            #expect(alice.text == "<helloworld>" || alice.text == "<worldhello>", "interleaved: \(alice.text)")
            alice.checkInvariants()
            bob.checkInvariants()
        }
    }

    @Test func threeWayConcurrentTypingAtTheEnd() throws {
        var replicas = (1...3).map { Replica(replicaID: ReplicaID(UInt64($0))) }
        let words = ["alpha", "beta", "gamma"]
        var ops: [[Op]] = []
        for index in replicas.indices {
            ops.append(try type(words[index], at: 0, backwards: index == 1, into: &replicas[index]))
        }
        for receiver in replicas.indices {
            for sender in replicas.indices where sender != receiver { try replicas[receiver].apply(ops[sender]) }
        }
        let text = replicas[0].text
        #expect(replicas.allSatisfy { $0.text == text })
        for word in words { #expect(text.contains(word), "\(word) interleaved in \(text)") }
    }
}
