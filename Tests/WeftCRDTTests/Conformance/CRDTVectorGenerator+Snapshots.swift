import WeftCRDT
import WeftTestSupport

extension CRDTVectorGenerator {
    // MARK: Snapshots

    /// The forms a writer may choose (FORMAT.md, "What a writer may choose").
    static let snapshotForms: [(name: String, about: String, choices: SnapshotChoices)] = [
        ("canonical", "in the canonical form", .canonical),
        ("references", "with every origin a reference (left and right mode 2)", SnapshotChoices(referencesEverywhere: true)),
        ("zero-offsets", "with references carrying offsets of 0", SnapshotChoices(explicitZeroOffsets: true)),
        ("references-zero-offsets", "with every origin a reference, offsets of 0 written", SnapshotChoices(referencesEverywhere: true, explicitZeroOffsets: true)),
        ("legacy-table", "with the table Weft wrote before the canonical form: the writer's own replica 0000000000000000 first, with nothing inserted", SnapshotChoices(tableOrder: .local)),
    ]

    /// Documents to write snapshots of: each a relay-like holder (replica 0, which never inserts)
    /// that received a scenario's batches, and the batches.
    static func snapshotDocuments() -> [(name: String, about: String, holder: Replica, batches: [[Op]])] {
        var documents: [(String, String, Replica, [[Op]])] = []
        func hold(_ batches: [[Op]]) -> Replica {
            var holder = Replica(replicaID: ReplicaID(0))
            for batch in batches { try! holder.apply(batch) }
            return holder
        }
        var split = VectorPeer(0x1)
        split.type("abc", at: 0)
        split.type("X", at: 1)
        documents.append(("split", "\"abc\" with \"X\" typed after \"a\"", hold(split.batches), split.batches))
        for scenario in deletionScenarios.prefix(3) {
            var peers = [0xD1, 0x8000_0000_0000_00D2, 0xD3].map(VectorPeer.init)
            peers[0].type(scenario.base, at: 0)
            for index in 1..<peers.count { peers[index].receive(peers[0].batches) }
            scenario.edits(&peers)
            let batches = peers.flatMap(\.batches)
            documents.append(("deletions-\(scenario.name)", scenario.about, hold(batches), batches))
        }
        for seed in [3, 17] {
            let vector = random()[seed - 1]
            let batches = vector.deliver.map { try! OpCodec.decode(Hex.bytes($0)) }
            documents.append(("random-\(seed)", "the document of random/\(seed)", hold(batches), batches))
        }
        let waiting = CRDTVectorGenerator.waiting().first { $0.name == "waiting/never-satisfied/both" }!
        let waitingBatches = waiting.deliver.map { try! OpCodec.decode(Hex.bytes($0)) }
        documents.append(("waiting-ops", "a document with an insertion and a deletion still waiting", hold(waitingBatches), waitingBatches))
        return documents
    }

    static func snapshots() -> [CRDTVector] {
        var vectors: [CRDTVector] = []
        for document in snapshotDocuments() {
            for form in snapshotForms {
                vectors.append(CRDTVectorRecorder.vector("snapshots/\(document.name)/\(form.name)",
                                                         "\(document.about), loaded from a snapshot written \(form.about).",
                                                         start: document.holder.encodeSnapshot(form.choices), deliver: []))
            }
        }
        // A snapshot of part of a history, then the rest of it, shuffled.
        for (number, document) in snapshotDocuments().enumerated() where document.batches.count > 2 {
            var dice = Dice(seed: 5_000 + UInt64(number))
            let cut = document.batches.count / 2
            var partial = Replica(replicaID: ReplicaID(0))
            for batch in document.batches.prefix(cut) { try! partial.apply(batch) }
            vectors.append(CRDTVectorRecorder.vector("snapshots/\(document.name)/then-the-rest", "\(document.about): a snapshot of the first \(cut) batches (legacy table), then every batch again, shuffled.",
                                                     start: partial.encodeSnapshot(SnapshotChoices(tableOrder: .local)),
                                                     deliver: dice.shuffled(document.batches)))
        }
        return vectors
    }

    // MARK: Restoration

    static func restoration() -> [CRDTVector] {
        var vectors: [CRDTVector] = []
        for seed in [5, 11, 23] {
            let vector = random()[seed - 1]
            let batches = vector.deliver.map { try! OpCodec.decode(Hex.bytes($0)) }
            var whole = Replica(replicaID: ReplicaID(0xAB))
            for batch in batches { try! whole.apply(batch) }
            let ops = whole.restorationOps()
            let about = "the document of random/\(seed) given back as restoration ops"
            vectors.append(CRDTVectorRecorder.vector("restoration/\(seed)/to-empty", "\(about), to an empty replica.", deliver: [ops]))
            vectors.append(CRDTVectorRecorder.vector("restoration/\(seed)/split", "\(about), cut into batches of at most 128 bytes, in order.",
                                                     deliver: OpCodec.split(ops, maxBytes: 128)))
            vectors.append(CRDTVectorRecorder.vector("restoration/\(seed)/twice", "\(about), twice.", deliver: [ops, ops]))
            var part = Replica(replicaID: ReplicaID(0))
            for batch in batches.prefix(batches.count / 3) { try! part.apply(batch) }
            vectors.append(CRDTVectorRecorder.vector("restoration/\(seed)/onto-part", "\(about), to a replica that holds part of it.",
                                                     start: part.encodeSnapshot(), deliver: [ops]))
        }
        // Two copies that each hold what the other lacks, given back one after the other.
        var peers = [0x61, 0x62].map(VectorPeer.init)
        peers[0].type("shared ", at: 0)
        peers[1].receiveAll(of: peers)
        peers[0].type("mine", at: 7)
        peers[1].type("yours", at: 0)
        peers[1].delete(0..<2)
        vectors.append(CRDTVectorRecorder.vector("restoration/two-copies", "two copies that each hold edits the other lacks, both given back: the union, nothing twice.",
                                                 deliver: [peers[0].replica.restorationOps(), peers[1].replica.restorationOps()]))
        return vectors
    }
}
