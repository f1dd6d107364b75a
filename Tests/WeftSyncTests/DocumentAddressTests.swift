import Testing
import WeftSync

/// Addresses as people type them: what parses to which relay and document, and what is refused
/// with words that say what to change.
@Suite("Document addresses") struct DocumentAddressTests {
    static let server = "ws://127.0.0.1:7878"

    @Test("full addresses and bare names parse to their relay and document")
    func parses() throws {
        let full = try DocumentAddress(parsing: "wss://relay.example:9000/notes", defaultServer: Self.server)
        #expect(full.secure && full.host == "relay.example" && full.port == 9000 && full.name.rawValue == "notes")
        let bare = try DocumentAddress(parsing: "notes", defaultServer: Self.server)
        #expect(bare.url == "ws://127.0.0.1:7878/notes")
        let defaultPort = try DocumentAddress(parsing: "wss://relay.example/notes", defaultServer: Self.server)
        #expect(defaultPort.port == 443)
        let ipv6 = try DocumentAddress(parsing: "ws://[::1]:7000/notes", defaultServer: Self.server)
        #expect(ipv6.host == "::1" && ipv6.url == "ws://[::1]:7000/notes")
    }

    @Test("a wrong address is refused saying what to change", arguments: [
        ("ws://127.0.0.1:7878", "names no document"),
        ("ws://127.0.0.1:99999/notes", "invalid port"),
        ("ws://ana@127.0.0.1:7878/notes", "names a user: a relay address is ws[s]://HOST[:PORT] (a token goes in --token"),
        ("ws://ana:secret@relay.example/notes", "names a user"),
        ("ws://rel ay/notes", "invalid host"),
    ])
    func refuses(_ text: String, _ words: String) {
        #expect {
            _ = try DocumentAddress(parsing: text, defaultServer: Self.server)
        } throws: { error in
            guard let error = error as? SyncError else { return false }
            return error.kind == .configuration && error.description.contains(words)
        }
    }
}
