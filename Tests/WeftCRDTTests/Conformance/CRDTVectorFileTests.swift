import Foundation
import Testing
import WeftTestSupport

/// The files in `Conformance/crdt` are what `CRDTVectorGenerator` makes. With
/// `WEFT_WRITE_VECTORS=1` this writes them instead (after a change to the generator, or to what
/// Weft does: then read the diff before committing it).
@Suite struct CRDTVectorFileTests {
    @Test func theCommittedFilesAreWhatTheGeneratorMakes() throws {
        let generated = CRDTVectorGenerator.files()
        let directory = DocumentedExample.repository.appendingPathComponent(CRDTVectorFile.folder)
        if ProcessInfo.processInfo.environment["WEFT_WRITE_VECTORS"] == "1" {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (name, file) in generated { try file.encoded().write(to: directory.appendingPathComponent(name)) }
        }
        let committed = try CRDTVectorFile.committed()
        #expect(committed.map(\.name) == generated.map(\.name).sorted(), "set WEFT_WRITE_VECTORS=1 to write the vector files")
        for (name, file) in generated {
            let bytes = try? Data(contentsOf: directory.appendingPathComponent(name))
            #expect(bytes == (try file.encoded()), "\(name) differs from what the generator makes: set WEFT_WRITE_VECTORS=1 to write it")
        }
    }
}
