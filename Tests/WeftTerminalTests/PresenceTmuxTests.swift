import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// Who is in a document shows as soon as they open it, by name.
@Suite("presence in tmux", .serialized, .ownThread)
struct PresenceTmuxTests {
    @Test("two people open a document and each sees the other's name at once, before pressing a key")
    func presenceOnArrival() throws {
        let relay = try RelayProcess(dataDirectory: temporaryPath("relay"))
        defer { relay.kill() }
        let document = "ws://127.0.0.1:\(relay.port)/meeting"
        let ana = try weftScreen(["edit", document], home: temporaryPath("ana"), user: "ana")
        defer { ana.kill() }
        try ana.waitFor(text: "online")
        let bo = try weftScreen(["view", document], home: temporaryPath("bo"), user: "bo")
        defer { bo.kill() }
        try bo.waitFor("ana on Bo's status line", timeout: .seconds(5)) { $0[28].contains("with ana") }
        try ana.waitFor("bo on Ana's status line", timeout: .seconds(5)) { $0[28].contains("with bo") }
    }
}
