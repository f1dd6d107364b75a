import Testing
import WeftTestSupport

/// One wire conformance vector, as `Conformance/README.md` describes it: what clients send a
/// fresh relay, connection by connection, and what it must send back.
struct WireVector: Codable, Equatable, Sendable, CustomTestStringConvertible {
    var name: String
    var about: String
    /// What of PROTOCOL.md it shows: "rule 4", "Healing a relay", …
    var rules: [String]
    /// Extra arguments for `weft serve`.
    var relay: [String]?
    /// "postgres": the relay keeps its documents in a PostgreSQL cluster of the runner's (a step
    /// may make it fail); none: the relay's own SQLite store.
    var store: String?
    var steps: [Step]

    var testDescription: String { name }

    /// One thing the runner does; exactly one of the action fields is set.
    struct Step: Codable, Equatable, Sendable {
        /// Open a WebSocket connection with this name, to `path` (a document name).
        var open: String?
        var path: String?
        /// Send the binary message `hex` (a pattern) on this connection.
        var send: String?
        var hex: String?
        /// Send `text` as a text message on this connection.
        var sendText: String?
        var text: String?
        /// The next message on this connection matches `hex` (a pattern).
        var expect: String?
        /// The next thing on this connection is its closing.
        var expectClosed: String?
        /// Nothing arrives on this connection for `ms` milliseconds.
        var expectQuiet: String?
        var ms: Int?
        /// Close this connection.
        var close: String?
        /// Wait `ms` milliseconds.
        var wait: Int?
        /// Make the relay's store fail whatever it is asked from then on (Weft's runner drops the
        /// relay's tables from its PostgreSQL database).
        var failStore: Bool?
        /// Make an HTTP request with this method and no body to the relay's port, for `path`
        /// (`/documents/…`); its answer has the status code `status`.
        var request: String?
        var status: Int?
        /// Revoke every token made so far for this user (`weft token revoke --user`).
        var revoke: String?
        /// What the step means, for people.
        var note: String?
    }
}

/// A file of wire vectors.
struct WireVectorFile: Codable, Equatable {
    var format: String
    var about: String
    var vectors: [WireVector]

    static let formatName = "weft-wire-vectors 1"
    static let folder = "Conformance/wire"

    static func committed() throws -> [(name: String, file: WireVectorFile)] {
        try ConformanceFiles.read(WireVectorFile.self, in: folder)
    }
}
