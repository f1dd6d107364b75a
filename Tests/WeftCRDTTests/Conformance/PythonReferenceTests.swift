import Foundation
import Testing
import WeftTestSupport

/// `Conformance/python`, a replica written in Python from FORMAT.md and PROTOCOL.md alone, passes
/// every CRDT vector: the documents are enough to build a replica that converges with Weft's. It
/// also reports which snapshot forms the vectors use, and they must use every one.
@Suite struct PythonReferenceTests {
    /// What FORMAT.md's snapshot can say, as the Python reader counts it.
    static let snapshotFeatures = [
        "left-mode-0", "left-mode-1", "left-mode-2", "left-mode-3", "right-mode-0", "right-mode-1", "right-mode-2", "right-mode-3",
        "visibility-0", "visibility-1", "visibility-2", "visibility-3", "reference-with-offset", "reference-with-offset-0",
        "reference-without-offset", "negative-counter-difference", "table-with-empty-replica", "waiting-ops",
    ]

    @Test func thePythonReplicaPassesEveryVectorAndTheyUseEverySnapshotForm() async throws {
        let python = try #require(BuiltProduct.onPath("python3"),
                                  "python3 is not on PATH; install it (Debian: sudo apt-get install python3; .ci/run does)")
        let repository = DocumentedExample.repository
        let files = try CRDTVectorFile.committed().map { repository.appendingPathComponent("\(CRDTVectorFile.folder)/\($0.name)").path }
        let script = repository.appendingPathComponent("Conformance/python/run_vectors.py").path
        // Waiting for the process off the cooperative pool, which the process tests beside this one need.
        let result = try await offCooperativePool { try BuiltProduct.run(executable: python, [script, "--features"] + files) }
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.dropLast().last == "\(CRDTVectorTests.vectors.count) passed, 0 failed", "\(result.stdout)")
        let features = try JSONDecoder().decode([String: Int].self, from: Data((lines.last ?? "").utf8))
        for feature in Self.snapshotFeatures {
            #expect(features[feature, default: 0] > 0, "no vector's snapshot uses \(feature)")
        }
    }
}
