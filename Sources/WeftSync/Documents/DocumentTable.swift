/// How `weft ls` prints a relay's documents. Pure.
public enum DocumentTable {
    /// A table for people: name, size in characters, last change (UTC), who is there now.
    /// An empty list says so in words rather than printing nothing.
    public static func table(_ documents: [DocumentInfo], server: String) -> String {
        guard !documents.isEmpty else { return "no documents on \(server)\n" }
        let rows = documents.map { [$0.name, "\($0.characters)", $0.changed == nil ? "-" : HistoryFormat.time($0.changed), who($0)] }
        let header = ["NAME", "CHARS", "CHANGED", "WHO"]
        // A name longer than `widestName` overflows its own row rather than widening every row.
        var widths = (0..<header.count).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        widths[0] = min(widths[0], widestName)
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : HistoryFormat.pad(cell, widths[column], right: column == 1)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// Columns the name column takes at most.
    static let widestName = 40

    /// One line per document, tab-separated, for scripts: name, characters, last change in
    /// milliseconds since 1970 (empty when unknown), connections, user names separated by commas.
    /// Tabs, newlines and commas in user names become spaces, so fields never split.
    public static func porcelain(_ documents: [DocumentInfo]) -> String {
        documents.map { document in
            let names = document.people.map { clean($0) }.joined(separator: ",")
            return [document.name, "\(document.characters)", document.changed.map { "\($0)" } ?? "", "\(document.connections)", names]
                .joined(separator: "\t") + "\n"
        }.joined()
    }

    /// Who is connected: the names shown, and how many connections show none; `-` for nobody.
    static func who(_ document: DocumentInfo) -> String {
        let unnamed = max(0, document.connections - document.people.count)
        let names = document.people.map { clean($0) }
        if names.isEmpty { return unnamed == 0 ? "-" : "\(unnamed) \(unnamed == 1 ? "connection" : "connections")" }
        return names.joined(separator: ", ") + (unnamed > 0 ? " +\(unnamed)" : "")
    }

    private static func clean(_ name: String) -> String {
        String(name.map { $0 == "," || $0.isNewline || $0 == "\t" || ($0.asciiValue.map { $0 < 0x20 } ?? false) ? " " : $0 })
    }
}
