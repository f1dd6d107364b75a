import Foundation

/// One document a relay holds, as `GET /documents` describes it (PROTOCOL.md, "Documents").
public struct DocumentInfo: Codable, Sendable, Hashable {
    /// The document's name.
    public var name: String
    /// Unicode scalars in the document now.
    public var characters: Int
    /// When its last batch was committed, milliseconds since 1970 (UTC); nil when unknown.
    public var changed: UInt64?
    /// Open connections to it on the relay asked.
    public var connections: Int
    /// The user names those connections show, sorted (fewer than `connections` when some show none).
    public var people: [String]

    public init(name: String, characters: Int, changed: UInt64?, connections: Int, people: [String]) {
        self.name = name
        self.characters = characters
        self.changed = changed
        self.connections = connections
        self.people = people
    }
}

/// `GET /documents`'s answer.
struct DocumentInfoList: Codable {
    var documents: [DocumentInfo]
}
