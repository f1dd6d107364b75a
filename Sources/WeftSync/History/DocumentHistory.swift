import WeftWire

/// A document's history as the relay keeps it: every committed batch after `floor`, in order.
public struct DocumentHistory: Sendable, Hashable {
    /// The history is complete after this sequence (0: from the document's start).
    public var floor: UInt64
    public var entries: [HistoryEntry]

    public init(floor: UInt64, entries: [HistoryEntry]) {
        self.floor = floor
        self.entries = entries
    }
}
