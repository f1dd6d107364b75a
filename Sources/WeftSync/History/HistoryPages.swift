import Foundation
import WeftWire

/// A document's history as its relay serves it, page by page (`GET /history/NAME`, PROTOCOL.md
/// "History"): `read` asks for the next page as soon as one arrives, so the relay reads and sends
/// it while the caller replays this one, and a long history costs about the longer of the two,
/// not their sum.
public struct HistoryPages: Sendable {
    public var address: DocumentAddress
    public var after: UInt64
    public var bound: HistoryBound
    public var token: String
    public var caFile: URL?
    public var timeout: Duration

    public init(of address: DocumentAddress, after: UInt64 = 0, bound: HistoryBound = .none, token: String, caFile: URL?,
                timeout: Duration = .seconds(30)) {
        self.address = address
        self.after = after
        self.bound = bound
        self.token = token
        self.caFile = caFile
        self.timeout = timeout
    }

    /// Hands each page's entries within the bound to `take`, in order, with the sequence after
    /// which the history is complete, while the next page is read (a child task).
    /// - Returns: that sequence, and whether the history goes on past what was read (past the
    ///   bound).
    /// - Throws: `SyncError` as `HistoryFetch.history`, and what `take` throws.
    public func read(_ take: (_ floor: UInt64, _ entries: [HistoryEntry]) throws -> Void) async throws -> (floor: UInt64, continues: Bool) {
        try await withThrowingTaskGroup(of: HistoryPage.self) { group in
            group.addTask { try await fetch(after: after) }
            var floor: UInt64 = 0
            while let page = try await group.next() {
                floor = page.floor
                let kept = bound.count(within: page.entries)
                if kept < page.entries.count {
                    try take(floor, Array(page.entries.prefix(kept)))
                    return (floor, true)
                }
                let goesOn = page.more && (page.entries.last.map { $0.serverSeq < bound.throughSeq ?? .max } ?? false)
                if goesOn, let last = page.entries.last?.serverSeq { group.addTask { try await fetch(after: last) } }
                try take(floor, page.entries)
                if !goesOn { return (floor, page.more) }
            }
            return (floor, false)
        }
    }

    private func fetch(after sequence: UInt64) async throws(SyncError) -> HistoryPage {
        try await HistoryFetch.page(of: address, after: sequence, bound: bound, token: token, caFile: caFile, timeout: timeout)
    }
}
