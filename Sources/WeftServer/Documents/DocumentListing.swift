import Foundation
import WeftWire

/// One document as `GET /documents` describes it (PROTOCOL.md, "Documents"): JSON with these keys.
struct DocumentListing: Codable, Sendable, Equatable {
    var name: String
    /// Unicode scalars in the document now.
    var characters: Int
    /// When its last batch was committed, milliseconds since 1970 (UTC); absent when unknown.
    var changed: UInt64?
    /// Open connections to it on this relay.
    var connections: Int
    /// The user names those connections show (presence), sorted; fewer than `connections` when
    /// some show none (scripts).
    var people: [String]
}

/// The answer to `GET /documents`.
struct DocumentList: Codable, Sendable, Equatable {
    var documents: [DocumentListing]
}
