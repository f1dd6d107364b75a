import Foundation
import Testing
import WeftTestSupport

/// One CRDT conformance vector, as `Conformance/README.md` describes it: op batches delivered in
/// order to a replica (that may start from a snapshot), and what it must hold afterwards.
struct CRDTVector: Codable, Equatable, Sendable, CustomTestStringConvertible {
    var name: String
    var about: String
    /// Hex of a snapshot the replica starts from; none: an empty document.
    var start: String?
    /// Hex of the op batches, in the order delivered (repeats included).
    var deliver: [String]
    /// The visible text after each delivery that is not refused.
    var texts: [String]
    /// The visible text at the end; none when the vector ends with a refusal.
    var text: String?
    /// Hex of the canonical snapshot at the end; none when the vector ends with a refusal.
    var snapshot: String?
    /// What the replica must refuse: "snapshot" (the start snapshot), "op-batch" (the last
    /// delivery does not decode) or "op" (it decodes, and an op in it is malformed).
    var refuse: String?

    var testDescription: String { name }
}

/// A file of vectors.
struct CRDTVectorFile: Codable, Equatable {
    var format: String
    var about: String
    var vectors: [CRDTVector]

    static let formatName = "weft-crdt-vectors 1"
    /// Where the files live, from the repository root.
    static let folder = "Conformance/crdt"

    /// Every vector file in the repository, by file name.
    static func committed() throws -> [(name: String, file: CRDTVectorFile)] {
        try ConformanceFiles.read(CRDTVectorFile.self, in: folder)
    }
}
