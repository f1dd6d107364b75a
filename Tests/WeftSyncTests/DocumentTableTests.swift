import Testing
import WeftSync

/// What `weft ls` prints for people.
@Suite struct DocumentTableTests {
    @Test func aLongNameOverflowsItsOwnRowOnly() {
        let long = String(repeating: "n", count: 128)
        let table = DocumentTable.table([
            DocumentInfo(name: "notes", characters: 12, changed: nil, connections: 0, people: []),
            DocumentInfo(name: long, characters: 3, changed: nil, connections: 1, people: ["ana"]),
        ], server: "ws://127.0.0.1:1")
        let rows = table.split(separator: "\n").map(String.init)
        #expect(rows.count == 3)
        #expect(rows[0].hasPrefix("NAME" + String(repeating: " ", count: 36) + "  CHARS"), "\(rows[0])")
        #expect(rows[1].hasPrefix("notes" + String(repeating: " ", count: 35) + "     12"), "\(rows[1])")
        #expect(rows[2].hasPrefix(long + "      3"), "\(rows[2])")
    }
}
