import WeftCRDT
import WeftTestSupport

extension CRDTVectorGenerator {
    /// Bytes from hex, where `R1` and `R2` stand for the `u64` of replicas 1 and 2.
    static func hex(_ text: String) -> [UInt8] {
        Hex.bytes(text.replacingOccurrences(of: "R1", with: "01 00 00 00 00 00 00 00")
            .replacingOccurrences(of: "R2", with: "02 00 00 00 00 00 00 00"))
    }

    /// A varint's bytes as hex.
    static func varintHex(_ value: UInt64) -> String {
        var writer = ByteWriter()
        writer.varint(value)
        return Hex.string(writer.bytes)
    }

    /// Replica 1 inserts "hi" into an empty document (FORMAT.md, `op-batch-insert`).
    static let hi = "01 01 R1 01 01 00 00 00 00 02 68 69"
    /// FORMAT.md's `snapshot-small`: replica 1's "h!" with a deleted "i", in three spans.
    static let small = "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 01 31 02 01 02 68 21 00"

    static let refusedBatches: [(name: String, about: String, hex: String)] = [
        ("version-2", "an op batch of version 2", "02 01 R1 01 01 00 00 00 00 02 68 69"),
        ("empty", "zero bytes", ""),
        ("truncated", "the last byte missing", "01 01 R1 01 01 00 00 00 00 02 68"),
        ("trailing-byte", "a byte after the last op", hi + " 00"),
        ("replica-index-outside-table", "an insertion's replica index 1 in a table of one", "01 01 R1 01 01 01 00 00 00 02 68 69"),
        ("origin-outside-table", "a left origin naming replica index 1 (written 2) in a table of one", "01 01 R1 01 01 00 00 02 00 00 02 68 69"),
        ("unknown-tag", "an op with tag 3", "01 01 R1 01 03 00"),
        ("insertion-without-text", "an insertion of the empty string", "01 01 R1 01 01 00 00 00 00 00"),
        ("deletion-without-spans", "a deletion of zero spans", "01 01 R1 01 02 00"),
        ("deletion-span-of-length-0", "a deletion span of length 0", "01 01 R1 01 02 01 00 00 00"),
        ("non-minimal-varint", "a counter written 80 00", "01 01 R1 01 01 00 80 00 00 00 02 68 69"),
        ("counter-past-32-bits", "a counter of 2^32", "01 01 R1 01 01 00 80 80 80 80 10 00 00 02 68 69"),
        ("varint-past-64-bits", "an op count whose tenth byte is 02", "01 01 R1 ff ff ff ff ff ff ff ff ff 02"),
        ("invalid-utf8", "text c3 28", "01 01 R1 01 01 00 00 00 00 02 c3 28"),
        ("utf8-surrogate", "text ed a0 80 (a UTF-16 surrogate)", "01 01 R1 01 01 00 00 00 00 03 ed a0 80"),
        ("utf8-overlong", "text c0 af (an overlong '/')", "01 01 R1 01 01 00 00 00 00 02 c0 af"),
        ("op-count-past-the-bytes", "five ops announced, bytes for fewer", "01 01 R1 05 01 00 00 00 00 02 68 69"),
        ("table-count-past-the-bytes", "nine replicas announced, bytes for one", "01 09 R1 01 01 00 00 00 00 02 68 69"),
    ]

    static let refusedOps: [(name: String, about: String, before: [String], hex: String)] = [
        ("insertion-past-last-counter", "an insertion at counter 2^32 - 1: its count would not fit 32 bits", [],
         "01 01 R1 01 01 00 ff ff ff ff 0f 00 00 01 61"),
        ("origin-is-itself", "an insertion whose left origin is its own id", [], "01 01 R1 01 01 00 00 01 00 00 01 61"),
        ("origin-later-of-own-replica", "an insertion whose right origin is a later character of its own replica", [],
         "01 01 R1 01 01 00 00 00 01 05 01 61"),
        ("deletion-past-last-counter", "a deletion span ending past 2^32 - 1", [], "01 01 R1 01 02 01 00 ff ff ff ff 0f 01"),
        ("right-origin-before-left", "after \"abc\", an insertion between c (left) and a (right)", ["01 01 R1 01 01 00 00 00 00 03 61 62 63"],
         "01 02 R2 R1 01 01 00 00 02 02 02 00 01 78"),
        ("right-origin-is-left", "after \"abc\", an insertion with b as both origins", ["01 01 R1 01 01 00 00 00 00 03 61 62 63"],
         "01 02 R2 R1 01 01 00 00 02 01 02 01 01 78"),
        ("after-good-ops", "a good insertion, then one whose left origin is itself", [],
         "01 02 R1 R2 02 01 00 00 00 00 01 61 01 01 00 02 00 00 01 62"),
    ]

    static let refusedSnapshots: [(name: String, about: String, hex: String)] = [
        ("magic", "other magic bytes", "57 46 54 54 01 01 R1 03 03 00 00 01 14 02 01 31 02 01 02 68 21 00"),
        ("version-2", "snapshot version 2", "57 46 54 53 02 01 R1 03 03 00 00 01 14 02 01 31 02 01 02 68 21 00"),
        ("truncated", "the last byte missing", "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 01 31 02 01 02 68 21"),
        ("trailing-byte", "a byte after the end", small + " 00"),
        ("replica-listed-twice", "replica 1 listed twice", "57 46 54 53 01 02 R1 R1 03 00 03 00 00 01 14 02 01 31 02 01 02 68 21 00"),
        ("span-replica-outside-table", "span 0 names replica index 1 in a table of one", "57 46 54 53 01 01 R1 03 03 40 00 01 14 02 01 31 02 01 02 68 21 00"),
        ("left-mode-1-on-first-span", "span 0 with a left neighbour", "57 46 54 53 01 01 R1 03 03 10 00 01 14 02 01 31 02 01 02 68 21 00"),
        ("right-mode-1-on-last-span", "the last span with a right neighbour", "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 01 35 02 01 02 68 21 00"),
        ("right-mode-3-without-left-origin", "span 0 copies the right origin of a left origin it does not have", "57 46 54 53 01 01 R1 03 03 0c 00 01 14 02 01 31 02 01 02 68 21 00"),
        ("reference-distance-0", "a left reference to the span itself", "57 46 54 53 01 01 R1 03 03 00 00 01 24 00 02 01 31 02 01 02 68 21 00"),
        ("reference-offset-past-span", "a left reference to offset 1 of a span of one character", "57 46 54 53 01 01 R1 03 03 00 00 01 24 03 01 02 01 31 02 01 02 68 21 00"),
        ("right-reference-past-the-spans", "a right reference 5 spans ahead of span 1 of 3", "57 46 54 53 01 01 R1 03 03 00 00 01 18 02 01 0a 31 02 01 02 68 21 00"),
        ("continuation-distance-past-the-start", "a continuation 3 spans back from span 2", "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 01 31 03 01 02 68 21 00"),
        ("continuation-of-other-replica", "replica 2's span continues replica 1's", "57 46 54 53 01 02 R1 R2 01 02 02 00 00 01 70 01 01 01 61 00"),
        ("counter-outside-count", "span 1 starts at counter 3 of 3", "57 46 54 53 01 01 R1 03 03 00 00 01 14 04 01 31 02 01 02 68 21 00"),
        ("span-past-count", "span 1 of two characters from counter 2 of 3", "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 02 31 02 01 03 68 21 21 00"),
        ("mixed-span-of-one-piece", "a mixed span with one piece", "57 46 54 53 01 01 R1 03 03 02 00 01 01 14 02 01 31 02 01 02 68 21 00"),
        ("piece-of-0", "a span of length 0", "57 46 54 53 01 01 R1 03 04 00 00 00 00 00 01 14 02 01 31 02 01 02 68 21 00"),
        ("id-stored-by-no-span", "a count of 4 with 3 characters stored", "57 46 54 53 01 01 R1 04 03 00 00 01 14 02 01 31 02 01 02 68 21 00"),
        ("id-stored-twice", "counter 0 stored by two spans, counter 1 by none", "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 01 11 05 01 02 68 21 00"),
        ("text-invalid-utf8", "text 68 ff", "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 01 31 02 01 02 68 ff 00"),
        ("text-scalar-count", "one scalar of text for two visible characters", "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 01 31 02 01 01 68 00"),
        ("waiting-batch-trailing-byte", "a waiting-ops batch with a byte after its end", "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 01 31 02 01 02 68 21 04 01 00 00 00"),
        ("waiting-op-malformed", "a waiting insertion placed next to itself", "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 01 31 02 01 02 68 21 13 01 01 R1 01 01 00 05 01 05 00 01 61"),
        ("counts-past-2^27", "counts adding up to 2^27 + 1", "57 46 54 53 01 02 R1 R2 03 \(varintHex(1 << 27 - 2)) 03 00 00 01 14 02 01 31 02 01 02 68 21 00"),
    ]

    /// Inputs at the edge that are not refused.
    static let acceptedEdges: [(name: String, about: String, start: String?, deliver: [String])] = [
        ("last-counter-waits", "an insertion at counter 2^32 - 2, the last a replica can use: it waits for the 2^32 - 2 before it", nil,
         ["01 01 R1 01 01 00 fe ff ff ff 0f 00 00 01 61"]),
        ("empty-waiting-batch", "a snapshot whose waiting-ops batch holds no ops (written canonically as 0 bytes)",
         "57 46 54 53 01 01 R1 03 03 00 00 01 14 02 01 31 02 01 02 68 21 03 01 00 00", []),
        ("count-0-replica-anywhere", "a snapshot listing a replica that inserted nothing after the one that did", "57 46 54 53 01 02 R1 R2 03 00 03 00 00 01 14 02 01 31 02 01 02 68 21 00", []),
    ]

    static func refused() -> [CRDTVector] {
        var vectors: [CRDTVector] = []
        for entry in refusedBatches {
            vectors.append(CRDTVectorRecorder.vector("refused/op-batch/\(entry.name)", "Refused as an op batch: \(entry.about).",
                                                     deliverBytes: [hex(entry.hex)], refuse: "op-batch"))
        }
        for entry in refusedOps {
            vectors.append(CRDTVectorRecorder.vector("refused/op/\(entry.name)", "Refused as malformed: \(entry.about).",
                                                     deliverBytes: (entry.before + [entry.hex]).map(hex), refuse: "op"))
        }
        for entry in refusedSnapshots {
            vectors.append(CRDTVectorRecorder.vector("refused/snapshot/\(entry.name)", "Refused as a snapshot: \(entry.about).",
                                                     start: hex(entry.hex), deliverBytes: [], refuse: "snapshot"))
        }
        for entry in acceptedEdges {
            vectors.append(CRDTVectorRecorder.vector("refused/not/\(entry.name)", "Not refused: \(entry.about).",
                                                     start: entry.start.map(hex), deliverBytes: entry.deliver.map(hex)))
        }
        return vectors
    }
}
