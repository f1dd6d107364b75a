import Foundation
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftTestTraits
import WeftWire

/// Deleting and renaming documents on a real relay: open connections are closed with `gone` and
/// the reason, on every relay sharing the store; a rename keeps the epoch (old copies go on under
/// the new name), and a hello from a copy of a deleted incarnation is told to set it aside.
@Suite(.ownThread) struct RelayDocumentsTests {
    let notes = try! DocumentName("notes")
    let plan = try! DocumentName("plan")

    /// Hello, then everything up to caught-up.
    func join(_ relay: RelayProcess, _ document: DocumentName, replica: ReplicaID, epoch: UInt64 = 0,
              lastServerSeq: UInt64 = 0) async throws -> (RelayTestClient, Welcome) {
        let client = try await RelayTestClient(port: relay.port, path: document.rawValue)
        try await client.send(.hello(Hello(document: document, epoch: epoch, replica: replica, lastServerSeq: lastServerSeq)))
        guard case .welcome(let welcome)? = await client.receive() else { throw RelayTestFailure(description: "no welcome to \(document)") }
        while let message = await client.receive() { if case .caughtUp = message { break } }
        return (client, welcome)
    }

    /// The fatal error the relay ends the connection with, if any.
    func farewell(_ client: RelayTestClient) async -> WireError? {
        while let message = await client.receive(timeout: .seconds(20)) {
            if case .error(let error, fatal: true) = message { return error }
        }
        return nil
    }

    /// `weft ARGUMENTS` with a home of its own.
    func weft(_ arguments: [String]) async throws -> WeftRun.Result {
        let run = WeftRun(home: TemporaryDirectory.path("documents-client"))
        defer { try? FileManager.default.removeItem(at: run.home) }
        return try await offCooperativePool { try run(arguments) }
    }

    /// `through` takes the requests; the clients are on `watched` (the same relay, or another on
    /// the same database).
    func deletingAndRenamingCloseConnections(through relay: RelayProcess, watched: RelayProcess) async throws {
        var copy = Replica(replicaID: ReplicaID(0xA))
        let (writer, first) = try await join(watched, notes, replica: copy.replicaID)
        try await writer.send(.batch(clientSeq: 1, ops: [try copy.insert("kept", at: 0)!]))
        #expect(await writer.receive() == .ack(clientSeq: 1, serverSeq: 1))

        let moved = try await weft(["mv", "ws://127.0.0.1:\(relay.port)/notes", "plan"])
        #expect(moved.status == 0, "\(moved.stderr)")
        let renamed = await farewell(writer)
        #expect(renamed?.code == .gone && renamed?.message == "notes was renamed to plan on the relay; open plan", "\(String(describing: renamed))")
        #expect(await writer.closes(within: .seconds(10)))
        // Under the new name the copy goes on: same epoch, its batch there, no restore.
        let (again, welcome) = try await join(watched, plan, replica: copy.replicaID, epoch: first.epoch, lastServerSeq: 1)
        #expect(welcome.epoch == first.epoch && welcome.serverSeq == 1 && welcome.lastClientSeq == 1 && !welcome.restore)

        let deleted = try await weft(["rm", "ws://127.0.0.1:\(relay.port)/plan"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let gone = await farewell(again)
        #expect(gone?.code == .gone && gone?.message.contains("plan was deleted on the relay") == true, "\(String(describing: gone))")
        // The old copy's hello to the name made again gets the new epoch without `restore`:
        // the client sets its copy aside, it is not asked to give it back.
        let (_, remade) = try await join(watched, plan, replica: ReplicaID(0xB), epoch: first.epoch, lastServerSeq: 1)
        #expect(remade.epoch != first.epoch && remade.serverSeq == 0 && !remade.restore)
        // And so is a copy of the name the document moved away from.
        let (_, fresh) = try await join(watched, notes, replica: ReplicaID(0xC), epoch: first.epoch, lastServerSeq: 1)
        #expect(fresh.epoch != first.epoch && !fresh.restore)
    }

    @Test func onSQLite() async throws {
        let directory = TemporaryDirectory.path("documents")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        try await deletingAndRenamingCloseConnections(through: relay, watched: relay)
    }

    /// Two relays on one database: the one deleting tells the other (NOTIFY), which closes its own
    /// connections.
    @Test func onPostgreSQLAcrossRelays() async throws {
        let cluster = try await offCooperativePool { try PostgresCluster() }
        let directory = TemporaryDirectory.path("documents-pg")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relays = try (0..<2).map { try RelayProcess(dataDirectory: directory.appendingPathComponent("relay\($0)"), extraArguments: ["--store", cluster.url()]) }
        try await deletingAndRenamingCloseConnections(through: relays[0], watched: relays[1])
        // Listing through either relay shows the same documents.
        for relay in relays {
            let listed = try await weft(["ls", "--porcelain", "ws://127.0.0.1:\(relay.port)"])
            #expect(listed.stdout.split(separator: "\n").map { $0.split(separator: "\t")[0] } == ["notes", "plan"], "\(listed.stdout)\(listed.stderr)")
        }
    }
}
