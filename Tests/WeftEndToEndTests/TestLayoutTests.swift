import Foundation
import Testing
import WeftTestSupport

/// The fast inner loop (`swift test --skip WeftEndToEndTests …`, in the README) holds only if
/// every test that runs this package's executables or tmux lives here: a suite elsewhere that
/// started `weft` would make it slow again, and would fail there when the binary is not built
/// yet. (This check runs with the full suite, which CI runs on every change.)
@Suite struct TestLayoutTests {
    static let programRunners = ["RelayProcess(", "TmuxSession(", "BuiltProduct.url(\"", "BuiltProduct.run(\"", "WeftRun("]

    @Test func onlyThisTargetRunsTheBuiltPrograms() throws {
        let tests = DocumentedExample.repository.appendingPathComponent("Tests")
        let files = try #require(FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil))
        var offenders: [String] = []
        var seen = 0
        for case let file as URL in files where file.pathExtension == "swift" {
            let path = file.path.replacingOccurrences(of: tests.path + "/", with: "")
            guard !path.hasPrefix("WeftEndToEndTests/") else { continue }
            seen += 1
            let source = try String(contentsOf: file, encoding: .utf8)
            for runner in Self.programRunners where source.contains(runner) { offenders.append("\(path) (\(runner)…)") }
        }
        #expect(seen > 50, "only \(seen) test files found under \(tests.path)")
        #expect(offenders.isEmpty, "tests outside WeftEndToEndTests run built programs: \(offenders.joined(separator: ", "))")
    }
}
