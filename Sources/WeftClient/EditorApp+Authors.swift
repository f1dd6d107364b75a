import Foundation
import WeftCRDT
import WeftEditor
import WeftSync
import WeftWire

extension EditorApp {
    /// Reads the document's history from its relay beside the loop, and hands the editor who
    /// wrote what (`Editor.showAuthors`), or why it cannot.
    func readAuthors() {
        guard let address, let sink else { return editor.authorsUnavailable("only a document on a relay keeps who wrote what") }
        let connection = ClientConnection(document: address.url, token: launch?.token, caFile: launch?.caFile)
        Task {
            do {
                let (_, replay) = try await connection.readHistory()
                sink.yield(.authors(Authorship(replay, readAt: UInt64(Date().timeIntervalSince1970 * 1_000)), problem: nil))
            } catch {
                sink.yield(.authors(nil, problem: "\(error)"))
            }
        }
    }
}

extension Authorship {
    /// Who wrote what, as `replay` (a whole history) says: each character's batch author and
    /// commit time, and each replica's author for what it typed since.
    init(_ replay: HistoryReplay, readAt: UInt64) {
        let entries = replay.history.entries, attribution = replay.attribution
        var bound: [ReplicaID: String] = [:]
        for entry in entries { if let author = entry.author { bound[entry.replica] = author.name } }
        let names = bound
        self.init(readAt: readAt, replicaNames: names, authors: entries.compactMap { $0.author?.name }) { id in
            guard let found = attribution.entry(of: id) else { return nil }
            let entry = entries[found.entry]
            // A character another replica's entry gave back is its typist's.
            let name = replay.author(of: id, insertedBy: found.entry)?.name ?? names[entry.replica] ?? "unknown"
            return (Author(name: name, time: entry.committedAt, order: entry.serverSeq), found.run)
        }
    }
}
