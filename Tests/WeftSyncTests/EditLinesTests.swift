import Foundation
import Testing
import WeftSync

/// `weft apply`'s input: what is taken, and what is refused with the line and what to write.
@Suite struct EditLinesTests {
    func parse(_ text: String) throws(TextEdit.LineError) -> [TextEdit] {
        try TextEdit.parseLines(Data(text.utf8))
    }

    @Test func wellFormedLinesAreEditsAndBlankOnesAreSkipped() throws {
        let edits = try parse("{\"pos\": 0, \"ins\": \"hi\"}\n\n  \r\n{\"pos\": 1, \"del\": 1}\n{\"ins\": \"é\\n\", \"pos\": 2, \"del\": 0}\n")
        #expect(edits == [.init(position: 0, deleting: 0, inserting: "hi"), .init(position: 1, deleting: 1, inserting: ""),
                          .init(position: 2, deleting: 0, inserting: "é\n")])
        #expect(try parse("").isEmpty)
    }

    @Test func anUnknownKeyIsRefusedWithTheOneMeant() {
        #expect(throws: TextEdit.LineError.self) { try parse("{\"pos\": 0}\n{\"pos\": 0, \"dell\": 1}\n") }
        do {
            _ = try parse("{\"pos\": 0}\n{\"pos\": 0, \"dell\": 1}\n")
        } catch {
            #expect(error.line == 2)
            #expect(error.description.contains("\"dell\"") && error.description.contains("did you mean \"del\"?"), "\(error)")
        }
        do {
            _ = try parse("{\"pos\": 0, \"colour\": \"red\"}")
        } catch {
            #expect(error.description.contains("\"colour\"") && !error.description.contains("did you mean"), "\(error)")
        }
    }

    @Test func badValuesAreRefusedWithTheLine() {
        for bad in ["{\"pos\": -1}", "{\"pos\": 0, \"del\": -2}", "{\"pos\": 1.5}", "{\"pos\": \"0\"}", "{\"del\": 1}", "[1]", "pos 0", "{\"pos\": 0, \"ins\": 7}"] {
            do {
                _ = try parse("{\"pos\": 0}\n" + bad)
                Issue.record("\(bad) was taken")
            } catch {
                #expect(error.line == 2, "\(bad): \(error)")
                #expect(error.description.hasSuffix("nothing applied"))
            }
        }
    }
}
