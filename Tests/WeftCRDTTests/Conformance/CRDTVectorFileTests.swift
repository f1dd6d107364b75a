import Foundation
import Testing
import WeftTestTraits
import WeftTestSupport

/// The files in `Conformance/crdt` are what `CRDTVectorGenerator` makes. With
/// `WEFT_WRITE_VECTORS=1` this writes them instead (after a change to the generator, or to what
/// Weft does: then read the diff before committing it).
@Suite(.ownThread) struct CRDTVectorFileTests {
    @Test func theCommittedFilesAreWhatTheGeneratorMakes() throws {
        let generated = try CRDTVectorGenerator.files().map { ($0.name, try ConformanceFiles.encoded($0.file)) }
        let problems = try ConformanceFiles.compare(generated, in: CRDTVectorFile.folder)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; ")): WEFT_WRITE_VECTORS=1 writes the files")
    }
}
