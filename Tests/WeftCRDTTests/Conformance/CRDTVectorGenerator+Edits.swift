import WeftCRDT
import WeftTestSupport

extension CRDTVectorGenerator {
    // MARK: Deletions

    /// A scenario: peers that start from one shared base text, then edit without seeing each other.
    struct Scenario: Sendable {
        var name: String
        var about: String
        var base: String
        var edits: @Sendable (inout [VectorPeer]) -> Void
    }

    static let deletionScenarios: [Scenario] = [
        Scenario(name: "overlapping", about: "two replicas delete overlapping ranges of \"abcdefghij\" (cdef and efgh)", base: "abcdefghij") { peers in
            peers[0].delete(2..<6)
            peers[1].delete(4..<8)
        },
        Scenario(name: "same-range", about: "two replicas delete the same word", base: "keep this word") { peers in
            peers[0].delete(5..<9)
            peers[1].delete(5..<9, keystrokes: true)
        },
        Scenario(name: "typed-into", about: "one replica deletes \"cdefgh\" while another types \"XY\" inside it", base: "abcdefghij") { peers in
            peers[0].delete(2..<8)
            peers[1].type("XY", at: 5)
        },
        Scenario(name: "typed-next-to", about: "one replica deletes \"cdef\" while others type at both of its ends", base: "abcdefghij") { peers in
            peers[0].delete(2..<6)
            peers[1].type("<", at: 2)
            peers[2].type(">", at: 6, keystrokes: true)
        },
        Scenario(name: "everything", about: "one replica deletes the whole text while two others type at its start and its end", base: "héllo wörld") { peers in
            peers[0].delete(0..<11, keystrokes: true)
            peers[1].type("¡", at: 0)
            peers[2].type("!", at: 11)
        },
        Scenario(name: "backspace-and-retype", about: "one replica backspaces \"cat\" and types \"dog\" in its place while another types \"s\" after \"cat\"", base: "a cat sat") { peers in
            peers[0].delete(2..<5, keystrokes: true)
            peers[0].type("dog", at: 2, keystrokes: true)
            peers[1].type("s", at: 5)
        },
    ]

    static func deletions() -> [CRDTVector] {
        var vectors: [CRDTVector] = []
        for (number, scenario) in deletionScenarios.enumerated() {
            for delivery in Delivery.allCases {
                var dice = Dice(seed: 1_000 + UInt64(number))
                var peers = [0xD1, 0x8000_0000_0000_00D2, 0xD3].map(VectorPeer.init)
                peers[0].type(scenario.base, at: 0)
                for index in 1..<peers.count { peers[index].receive(peers[0].batches) }
                let base = peers[0].batches
                scenario.edits(&peers)
                // The base first (every replica saw it), then the concurrent edits in the order chosen.
                let concurrent = peers.flatMap(\.batches).filter { !base.contains($0) }
                let name = "deletions/\(scenario.name)/\(delivery.rawValue)"
                vectors.append(converged(name, "\(scenario.about); delivered \(delivery.rawValue).", peers: peers,
                                         deliver: base + arrange(concurrent, delivery, dice: &dice)))
            }
        }
        // Deleting text that was typed concurrently with its deletion's author's other edits.
        for delivery in Delivery.allCases {
            var dice = Dice(seed: 1_100)
            var peers = [0xE1, 0xE2, 0xE3].map(VectorPeer.init)
            peers[0].type("hello", at: 0, keystrokes: true)
            peers[1].receive(peers[0].batches)
            peers[2].receive(peers[0].batches)
            peers[1].delete(1..<4)          // "ell", seen by 1 only
            peers[2].type("XX", at: 2)      // inside "ell", seen by 2 only
            peers[0].type(" world", at: 5)  // after it all, by the author
            let batches = peers.flatMap(\.batches)
            vectors.append(converged("deletions/of-concurrent-text/\(delivery.rawValue)",
                                     "\"hello\" typed a keystroke a batch; one replica deletes \"ell\", another types \"XX\" inside it, the author goes on typing; delivered \(delivery.rawValue).",
                                     peers: peers, deliver: arrange(batches, delivery, dice: &dice)))
        }
        return vectors
    }

    // MARK: Waiting

    static func waiting() -> [CRDTVector] {
        var vectors: [CRDTVector] = []
        // A causal chain between two replicas, delivered in every order.
        for delivery in Delivery.allCases {
            var dice = Dice(seed: 2_000)
            var peers = [0xA1, 0xFFFF_FFFF_FFFF_FFA2].map(VectorPeer.init)
            peers[0].type("abc", at: 0, keystrokes: true)
            peers[1].receiveAll(of: peers)
            peers[1].type("X", at: 2)
            peers[0].receiveAll(of: peers)
            peers[0].delete(0..<1)
            peers[0].type("Z", at: 3)
            peers[1].receiveAll(of: peers)
            peers[1].delete(1..<2)
            vectors.append(converged("waiting/causal-chain/\(delivery.rawValue)",
                                     "\"abc\", then \"X\" inside it by another replica, then deletions and typing that depend on both; delivered \(delivery.rawValue).",
                                     peers: peers, deliver: arrange(peers.flatMap(\.batches), delivery, dice: &dice)))
        }
        // One replica's keystrokes in every order: each waits for the one before (its counter).
        for seed: UInt64 in 1...5 {
            var dice = Dice(seed: 2_100 + seed)
            var peer = VectorPeer(0xC0 + seed)
            peer.type("counter", at: 0, keystrokes: true)
            peer.typeBackwards("ab", at: 3, keystrokes: true)
            vectors.append(converged("waiting/counters/shuffle-\(seed)", "one replica's keystrokes, delivered in a random order: each waits for its replica's previous character.",
                                     peers: [peer], deliver: dice.shuffled(peer.batches)))
        }
        // A deletion before the insertion it deletes; an insertion before its right origin.
        do {
            var peers = [0x10, 0x20].map(VectorPeer.init)
            peers[0].type("abc", at: 0)
            peers[1].receiveAll(of: peers)
            peers[1].delete(1..<2)
            vectors.append(converged("waiting/deletion-first", "the deletion of \"b\" arrives before \"abc\".", peers: peers,
                                     deliver: peers[1].batches + peers[0].batches))
        }
        do {
            var peers = [0x10, 0x20, 0x30].map(VectorPeer.init)
            peers[0].type("ab", at: 0)
            peers[1].type("cd", at: 0)
            peers[2].receiveAll(of: peers)
            peers[2].type("X", at: 2)  // between what 0 and 1 typed: its origins are of both
            vectors.append(converged("waiting/origins-of-two-replicas", "\"X\" placed between two replicas' text arrives first, then one origin, then the other.",
                                     peers: peers, deliver: peers[2].batches + peers[1].batches + peers[0].batches))
        }
        // Ops that still wait at the end: their snapshot carries them.
        for (name, about, drop) in [("insertion", "an insertion whose left origin never arrives", 1), ("deletion", "a deletion whose characters never arrive", 2),
                                    ("both", "an insertion and a deletion whose characters never arrive, each delivered twice", 0)] {
            var peers = [0x51, 0x52, 0x53].map(VectorPeer.init)
            peers[0].type("base", at: 0)
            peers[1].receiveAll(of: peers)
            peers[1].type("-lost", at: 4)
            peers[2].receiveAll(of: peers)
            peers[2].type("!", at: 9)
            peers[2].delete(4..<6)
            var deliver = peers[0].batches
            switch drop {
            case 1: deliver += peers[2].batches.prefix(1)
            case 2: deliver += peers[2].batches.suffix(1)
            default: deliver += peers[2].batches + peers[2].batches
            }
            vectors.append(CRDTVectorRecorder.vector("waiting/never-satisfied/\(name)", "\(about): it still waits at the end, and the snapshot lists it.", deliver: deliver))
        }
        return vectors
    }

    // MARK: Duplicates

    static func duplicates() -> [CRDTVector] {
        var vectors: [CRDTVector] = []
        for seed: UInt64 in 1...8 {
            for delivery in [Delivery.repeated, .recut] {
                var dice = Dice(seed: 3_000 + seed)
                var peers = [0x1000 + seed, 0x8000_0000_0000_1000 + seed].map(VectorPeer.init)
                peers[0].type("typing burst", at: 0)
                peers[1].receiveAll(of: peers)
                peers[1].type(dice.pick(words), at: dice.below(12))
                peers[0].delete(2..<9)
                peers[1].delete(0..<3)
                vectors.append(converged("duplicates/\(delivery.rawValue)/\(seed)", "a burst, a word typed into it, deletions on both sides; delivered \(delivery.rawValue).",
                                         peers: peers, deliver: arrange(peers.flatMap(\.batches), delivery, dice: &dice)))
            }
        }
        // A known prefix: the first half of an insertion came alone, then the whole.
        var peer = VectorPeer(0x77)
        peer.type("whole word", at: 0)
        let halves = Recut.pieces(of: peer.batches[0][0], at: 4)
        vectors.append(converged("duplicates/known-prefix", "the first piece of an insertion, then the whole insertion: only its rest is new.",
                                 peers: [peer], deliver: [[halves[0]], peer.batches[0]]))
        vectors.append(converged("duplicates/known-suffix-waits", "the second piece of an insertion (it waits), then the whole insertion.",
                                 peers: [peer], deliver: [[halves[1]], peer.batches[0]]))
        vectors.append(converged("duplicates/three-times", "one batch delivered three times.", peers: [peer],
                                 deliver: Array(repeating: peer.batches[0], count: 3)))
        var deleting = peer
        deleting.delete(1..<6)
        let cut = Recut.pieces(of: deleting.batches[1][0], at: 2)
        vectors.append(converged("duplicates/deletion-pieces", "a deletion cut in two, delivered in reverse order, then whole.", peers: [deleting],
                                 deliver: [deleting.batches[0], [cut[1]], [cut[0]], deleting.batches[1]]))
        return vectors
    }

    // MARK: Random sessions

    static let pieces = ["a", "xyz", "hello ", "\n", "é", "e\u{301}", "日本", "👍🏽", "\t", "Ω"]

    /// Made once: other files take documents from them.
    static func random() -> [CRDTVector] { randomSessions }

    private static let randomSessions: [CRDTVector] = (1...40).map { (seed: UInt64) in
            var dice = Dice(seed: 4_000 + seed)
            let count = 3 + dice.below(2)
            var peers = (0..<count).map { _ in VectorPeer(UInt64(dice.below(Int.max)) | (dice.chance(percent: 50) ? 1 << 63 : 0)) }
            // What each peer has received of each other peer's batches.
            var seen = Array(repeating: Array(repeating: 0, count: count), count: count)
            for _ in 0..<14 {
                let author = dice.below(count)
                let length = peers[author].replica.count
                if length > 4, dice.chance(percent: 30) {
                    let start = dice.below(length)
                    peers[author].delete(start..<min(length, start + 1 + dice.below(4)), keystrokes: dice.chance(percent: 30))
                } else if dice.chance(percent: 20) {
                    peers[author].typeBackwards(dice.pick(pieces), at: dice.below(length + 1), keystrokes: true)
                } else {
                    peers[author].type(dice.pick(pieces), at: dice.below(length + 1), keystrokes: dice.chance(percent: 40))
                }
                if dice.chance(percent: 40) {
                    let reader = dice.below(count)
                    for other in 0..<count where other != reader {
                        let batches = peers[other].batches
                        peers[reader].receive(batches[seen[reader][other]...])
                        seen[reader][other] = batches.count
                    }
                }
            }
            let delivery: Delivery = dice.pick([.shuffled, .repeated, .recut])
        return converged("random/\(seed)", "\(count) replicas, 14 random edits with syncs between some of them; delivered \(delivery.rawValue).",
                         peers: peers, deliver: arrange(peers.flatMap(\.batches), delivery, dice: &dice))
    }
}
