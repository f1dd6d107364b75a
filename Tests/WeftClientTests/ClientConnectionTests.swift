import Foundation
import Testing
import WeftTestSupport
import WeftClient
import WeftEditor
import WeftSync

/// Every command resolves the user's config, the document's address and the token one way.
@Suite struct ClientConnectionTests {
    func home(config: String?) throws -> ClientHome {
        let root = TemporaryDirectory.path("client")
        let home = ClientHome(data: root.appendingPathComponent("data"), config: root.appendingPathComponent("config"))
        try FileManager.default.createDirectory(at: home.config, withIntermediateDirectories: true)
        if let config { try Data(config.utf8).write(to: home.config.appendingPathComponent("config.toml")) }
        return home
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["WEFT_SERVER"] == nil, "WEFT_SERVER set here would win over the file"))
    func aBareNameIsOnTheConfiguredServerAndTheGivenTokenIsUsed() throws {
        let home = try home(config: "server = \"ws://relay.example.org:7878\"\nname = \"ana\"\n")
        let resolved = try ClientConnection(document: "notes", token: "t0k3n").resolve(in: home)
        #expect(resolved.address.commandArgument(defaultServer: "ws://127.0.0.1:7878") == "ws://relay.example.org:7878/notes")
        #expect(resolved.token == "t0k3n")
        #expect(resolved.config.name == "ana")
        #expect(resolved.config.sessionOptions(token: resolved.token, readOnly: true, caFile: nil).userName == "ana")
    }

    /// Messages name a document bare only where a bare name would find it again: on the
    /// configured server, not on the built-in one.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["WEFT_SERVER"] == nil, "WEFT_SERVER set here would win over the file"))
    func messagesNameADocumentAsACommandWouldFindIt() async throws {
        let home = try home(config: "server = \"ws://relay.example.org:7878\"\n")
        defer { try? FileManager.default.removeItem(at: home.config.deletingLastPathComponent()) }
        let configured = try ClientConnection(document: "notes").resolve(in: home)
        let options = configured.config.sessionOptions(token: "", readOnly: false, caFile: nil)
        let elsewhere = try DocumentAddress(parsing: "notes", defaultServer: DocumentAddress.builtInServer)
        for (address, named) in [(configured.address, "notes"), (elsewhere, elsewhere.url)] {
            let session = try DocumentSession(address: address, home: home, options: options)
            #expect(session.commandArgument == named)
            await session.close()
        }
    }

    @Test func aBrokenConfigFileIsAConfigurationProblemNamingTheKey() throws {
        let home = try home(config: "server = \"http://wrong\"\n")
        #expect {
            try ClientConnection(document: "notes").resolve(in: home)
        } throws: { error in
            guard let error = error as? SyncError else { return false }
            return error.kind == .configuration && error.description.contains("server must start with ws://")
        }
        #expect(CommandFailure.exitCode(for: SyncError(.configuration, "")) == 3)
    }

    @Test func exitStatusesAreTheDocumentedOnes() {
        #expect(CommandFailure.exitCode(for: SyncError(.timeout, "")) == 1)
        #expect(CommandFailure.exitCode(for: SyncError(.refused, "")) == 2)
        #expect(CommandFailure.exitCode(for: SyncError(.locked, "")) == 3)
        #expect(CommandFailure.exitCode(for: SyncError(.io, "")) == 3)
    }

    @Test func aDocumentNameThatCannotBeOneIsRefusedBeforeAnyConnection() throws {
        let home = try home(config: nil)
        #expect(throws: SyncError.self) { try ClientConnection(document: "ws://127.0.0.1:9/").resolve(in: home) }
    }
}

/// Whose name a session sends (and the relay's history records): `--name`, else the
/// configuration's, else `$USER`, else the login name; never the editor's stand-in "someone".
@Suite struct PersonNameTests {
    @Test func theNameGivenWinsThenTheConfigurations() {
        var config = UserConfig()
        #expect(config.sessionOptions(token: "", readOnly: false, caFile: nil, name: "zed").userName == "zed")
        config.name = "ana"
        #expect(config.personName(explicit: "zed") == "zed" && config.personName() == "ana")
        #expect(config.sessionOptions(token: "", readOnly: false, caFile: nil).userName == "ana")
        #expect(config.sessionOptions(token: "", readOnly: false, caFile: nil, name: String(repeating: "n", count: 65)).userName.isEmpty,
                "a name over the wire's 64 bytes is not sent")
        config.name = nil
        #expect(UserConfig().personName() != nil, "$USER or the login name")
    }
}
