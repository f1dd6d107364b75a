import Foundation
import Testing
import WeftTestSupport
import WeftWire

/// Every wire vector in `Conformance/wire` holds for a real `weft serve`, and together they show
/// every rule and every error code of PROTOCOL.md.
@Suite(.serialized) struct WireVectorTests {
    static let vectors: [WireVector] = (try? WireVectorFile.committed().flatMap(\.file.vectors)) ?? []

    @Test func everyRuleAndErrorCodeHasAVector() throws {
        let files = try WireVectorFile.committed()
        #expect(files.allSatisfy { $0.file.format == WireVectorFile.formatName })
        #expect(Set(Self.vectors.map(\.name)).count == Self.vectors.count && !Self.vectors.isEmpty)
        let rules = Set(Self.vectors.flatMap(\.rules))
        for rule in (1...10).map({ "rule \($0)" }) + ["Healing a relay", "Epoch changes", "Documents", "Every refusal"] {
            #expect(rules.contains(rule), "no vector shows \(rule)")
        }
        // The codes the vectors expect, read from their error messages' bytes (88, then the code).
        var codes: Set<String> = []
        for step in Self.vectors.flatMap(\.steps) where step.expect != nil {
            let words = (step.hex ?? "").split(separator: " ")
            guard words.first == "88", let count = Int(words[1], radix: 16), words.count > count + 1 else { continue }
            codes.insert(String(decoding: Hex.bytes(words[2..<2 + count].joined(separator: " ")), as: UTF8.self))
        }
        for code in WireErrorCode.all { #expect(codes.contains(code.rawValue), "no vector expects \(code)") }
    }

    @Test(arguments: vectors)
    func theRelayAnswersAsTheVectorSays(_ vector: WireVector) async throws {
        try await WireVectorRunner(vector: vector).run()
    }

    @Test func theCommittedFilesAreWhatTheGeneratorMakes() throws {
        let generated = try WireVectorGenerator.files().map { ($0.name, try ConformanceFiles.encoded($0.file)) }
        let problems = try ConformanceFiles.compare(generated, in: WireVectorFile.folder)
        #expect(problems.isEmpty, "\(problems.joined(separator: "; ")): WEFT_WRITE_VECTORS=1 writes the files")
    }
}
