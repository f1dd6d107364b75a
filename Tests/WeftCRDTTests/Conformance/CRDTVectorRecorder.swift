import WeftCRDT
import WeftTestSupport

/// Makes vectors by letting Weft do what each one describes and writing down the result: the
/// text after every delivery and the canonical snapshot at the end. A vector that expects a
/// refusal is checked to get one.
enum CRDTVectorRecorder {
    static func vector(_ name: String, _ about: String, start: [UInt8]? = nil, deliver: [[Op]]) -> CRDTVector {
        vector(name, about, start: start, deliverBytes: deliver.map(OpCodec.encode))
    }

    static func vector(_ name: String, _ about: String, start: [UInt8]? = nil, deliverBytes: [[UInt8]], refuse: String? = nil) -> CRDTVector {
        var replica = Replica(replicaID: CRDTVectorTests.receiver)
        var result = CRDTVector(name: name, about: about, start: start.map(Hex.string), deliver: deliverBytes.map(Hex.string), texts: [],
                                refuse: refuse)
        if let start {
            do {
                replica = try Replica(snapshot: start, replicaID: CRDTVectorTests.receiver)
                precondition(refuse != "snapshot", "\(name): Weft loads the snapshot the vector says is refused")
            } catch {
                precondition(refuse == "snapshot", "\(name): Weft refuses the start snapshot: \(error)")
                precondition(deliverBytes.isEmpty, "\(name): deliveries after a refused snapshot")
                return result
            }
        }
        for (step, batch) in deliverBytes.enumerated() {
            let last = step == deliverBytes.count - 1
            let ops: [Op]
            do {
                ops = try OpCodec.decode(batch)
            } catch {
                precondition(last && refuse == "op-batch", "\(name): delivery \(step) does not decode: \(error)")
                return result
            }
            do {
                try replica.apply(ops)
            } catch {
                precondition(last && refuse == "op", "\(name): delivery \(step) is refused: \(error)")
                return result
            }
            precondition(!(last && refuse != nil), "\(name): Weft applies the delivery the vector says is refused")
            result.texts.append(replica.text)
        }
        result.text = replica.text
        result.snapshot = Hex.string(replica.encodeSnapshot())
        return result
    }
}
