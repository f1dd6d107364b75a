import Foundation
import NIOHTTP1
import WeftWire

/// Reads a document's history from its relay: `GET /history/NAME?after=N` page by page
/// (PROTOCOL.md, "History"), over TLS for a `wss` address, with the token the document's other
/// commands use; the whole of it, or its beginning up to a bound.
public enum HistoryFetch {
    /// The entries of `address`'s history after `after` and within `bound`, and whether the
    /// history goes on past them. A relay that does not know bounds sends more; what lies past
    /// the bound is dropped here, and reading stops at the first page that reaches it.
    /// - Throws: `SyncError`: `.refused` with the relay's words when it refuses (a bad token),
    ///   `.timeout` when it does not answer within `timeout`, `.configuration` for a CA file it
    ///   cannot read.
    public static func history(of address: DocumentAddress, after: UInt64 = 0, bound: HistoryBound = .none, token: String, caFile: URL?,
                               timeout: Duration = .seconds(30)) async throws(SyncError) -> (history: DocumentHistory, continues: Bool) {
        let pages = HistoryPages(of: address, after: after, bound: bound, token: token, caFile: caFile, timeout: timeout)
        var entries: [HistoryEntry] = []
        do {
            let (floor, continues) = try await pages.read { _, page in entries += page }
            return (DocumentHistory(floor: floor, entries: entries), continues)
        } catch let error as SyncError {
            throw error
        } catch {
            // Only a page's read throws, and it throws SyncError; a cancelled read says so.
            throw SyncError(.timeout, "the history of \(address.name) was not read to its end (\(error))")
        }
    }

    /// One page of `address`'s history after `after`, as the relay sends it (past `bound` too).
    static func page(of address: DocumentAddress, after: UInt64, bound: HistoryBound, token: String, caFile: URL?,
                     timeout: Duration) async throws(SyncError) -> HistoryPage {
        let path = "/history/\(address.name.rawValue)?after=\(after)\(bound.query)"
        let answer = try await RelayHTTP.request(.GET, path, on: address, token: token, caFile: caFile, timeout: timeout,
                                                 what: "the history of \(address.name)")
        guard answer.status == 200 else {
            let words = RelayHTTP.words(answer.body)
            let kind: SyncError.Kind = answer.status == 503 ? .timeout : .refused
            throw SyncError(kind, "the relay refused the history of \(address.name) (HTTP \(answer.status)): \(words)")
        }
        do {
            return try HistoryPage(decoding: answer.body)
        } catch {
            throw SyncError(.refused, "the relay's history of \(address.name) does not decode (\(error.message)); is it a relay of another version?")
        }
    }
}
