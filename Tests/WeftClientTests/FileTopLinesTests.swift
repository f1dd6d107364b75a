import Testing
import WeftClient
import WeftTestSupport

/// The top lines the pager hands to the pager `:n` and `:p` start read back as they were written,
/// and anything else is refused naming the part.
@Suite struct FileTopLinesTests {
    @Test(arguments: [1, 2, 3] as [UInt64]) func linesReadBackAsWritten(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            var lines: [Int: Int] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                lines[Int.random(in: 0...50, using: &random)] = Int.random(in: 1...5_000_000, using: &random)
            }
            #expect(try FileTopLines.parse(FileTopLines.argument(lines)) == lines, "seed \(seed): \(lines)")
        }
    }

    @Test func otherArgumentsAreRefusedNamingThePart() {
        for (argument, part) in [("0:12,1:0", "1:0"), ("x:3", "x:3"), ("2", "2"), ("-1:4", "-1:4"), ("0:1:2", "0:1:2")] {
            #expect(throws: FileTopLinesError(part: part)) { try FileTopLines.parse(argument) }
        }
        #expect(FileTopLinesError(part: "1:0").description == "1:0 is not INDEX:LINE (a text's index from 0 and a line from 1)")
    }
}
