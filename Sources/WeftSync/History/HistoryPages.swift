import Foundation
import WeftWire

/// A document's history read from its relay page by page (`GET /history/NAME`, PROTOCOL.md
/// "History"), the next page asked for as soon as one arrives: the relay reads and sends it
/// while the caller replays this one, so a long history costs about the longer of the two, not
/// their sum.
public final class HistoryPages {
    private let address: DocumentAddress
    private let bound: HistoryBound
    private let token: String
    private let caFile: URL?
    private let timeout: Duration
    private var pending: Task<HistoryPage, any Error>?

    /// The history holds every entry after this sequence (known once a page arrived).
    public private(set) var floor: UInt64 = 0
    /// Whether the history goes on past what was read (past the bound), known after the last page.
    public private(set) var continues = false

    /// Asks for the first page at once.
    public init(of address: DocumentAddress, after: UInt64 = 0, bound: HistoryBound = .none, token: String, caFile: URL?,
                timeout: Duration = .seconds(30)) {
        self.address = address
        self.bound = bound
        self.token = token
        self.caFile = caFile
        self.timeout = timeout
        pending = ask(after: after)
    }

    deinit { pending?.cancel() }

    /// The next page's entries within the bound, in order; nil after the last page.
    /// - Throws: `SyncError` as `HistoryFetch.history` does.
    public func next() async throws(SyncError) -> [HistoryEntry]? {
        guard let asked = pending else { return nil }
        pending = nil
        let page: HistoryPage
        do {
            page = try await asked.value
        } catch let error as SyncError {
            throw error
        } catch {
            throw SyncError(.timeout, ConnectionFailure.describe(error, address: address))
        }
        floor = page.floor
        let kept = bound.count(within: page.entries)
        if kept < page.entries.count {
            continues = true
            return Array(page.entries.prefix(kept))
        }
        if page.more, let last = page.entries.last, last.serverSeq < bound.throughSeq ?? .max {
            pending = ask(after: last.serverSeq)
        } else {
            continues = page.more
        }
        return page.entries
    }

    private func ask(after: UInt64) -> Task<HistoryPage, any Error> {
        let (address, bound, token, caFile, timeout) = (address, bound, token, caFile, timeout)
        return Task { try await HistoryFetch.page(of: address, after: after, bound: bound, token: token, caFile: caFile, timeout: timeout) }
    }
}
