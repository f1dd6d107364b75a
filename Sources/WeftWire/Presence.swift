import WeftCRDT

/// Where a user is in a document: cursor and selections as anchors (so they survive edits), with
/// the name and colour others see. Ephemeral: relayed, never stored.
public struct Presence: Hashable, Sendable {
    /// The user's display name.
    public var userName: String
    /// 0xRRGGBB.
    public var colour: UInt32
    public var cursor: Anchor
    /// Selected ranges, each from one anchor to another.
    public var selections: [ClosedAnchorRange]

    public init(userName: String, colour: UInt32, cursor: Anchor, selections: [ClosedAnchorRange] = []) {
        self.userName = userName
        self.colour = colour
        self.cursor = cursor
        self.selections = selections
    }
}

/// A selection between two anchors.
public struct ClosedAnchorRange: Hashable, Sendable {
    public var from: Anchor
    public var to: Anchor

    public init(from: Anchor, to: Anchor) {
        self.from = from
        self.to = to
    }
}
