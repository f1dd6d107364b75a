import Foundation
import Testing
import WeftTestTraits
import WeftCRDT
import WeftTestSupport

/// Every CRDT vector in `Conformance/crdt` holds for Weft: the vectors are data any other
/// implementation can run, and this keeps them and Weft's code from drifting apart. One vector at
/// a time: 352 CPU-bound cases at once would hold the cooperative pool the process tests need.
@Suite(.serialized, .ownThread) struct CRDTVectorTests {
    static let vectors: [CRDTVector] = (try? CRDTVectorFile.committed().flatMap(\.file.vectors)) ?? []
    /// The replica that receives the vectors' ops: an id none of them uses.
    static let receiver = ReplicaID(0x5EED_5EED_5EED_5EED)

    @Test func theFilesHoldEnoughVectorsWithDistinctNames() throws {
        let files = try CRDTVectorFile.committed()
        #expect(files.allSatisfy { $0.file.format == CRDTVectorFile.formatName })
        #expect(Self.vectors.count >= 200)
        #expect(Set(Self.vectors.map(\.name)).count == Self.vectors.count)
    }

    @Test(arguments: vectors)
    func weftDoesWhatTheVectorSays(_ vector: CRDTVector) throws {
        var replica = Replica(replicaID: Self.receiver)
        if let start = vector.start {
            do {
                replica = try Replica(snapshot: Hex.bytes(start), replicaID: Self.receiver)
            } catch {
                #expect(vector.refuse == "snapshot", "the start snapshot was refused: \(error)")
                return
            }
            #expect(vector.refuse != "snapshot", "a snapshot that must be refused loaded")
        }
        for (step, batch) in vector.deliver.enumerated() {
            let last = step == vector.deliver.count - 1
            let ops: [Op]
            do {
                ops = try OpCodec.decode(Hex.bytes(batch))
            } catch {
                #expect(last && vector.refuse == "op-batch", "delivery \(step) does not decode: \(error)")
                return
            }
            do {
                try replica.apply(ops)
            } catch {
                #expect(last && vector.refuse == "op", "delivery \(step) was refused: \(error)")
                return
            }
            replica.checkInvariants()
            #expect(!(last && vector.refuse != nil), "delivery \(step) was applied; it must be refused")
            #expect(replica.text == vector.texts[step], "after delivery \(step)")
        }
        #expect(replica.text == vector.text)
        let expected = try #require(vector.snapshot.map(Hex.bytes))
        #expect(Hex.string(replica.encodeSnapshot()) == Hex.string(expected))
        // The expected snapshot loads back to the same document, written the same way.
        let reloaded = try Replica(snapshot: expected, replicaID: ReplicaID(7))
        #expect(reloaded.text == vector.text)
        #expect(reloaded.encodeSnapshot() == expected)
    }
}
