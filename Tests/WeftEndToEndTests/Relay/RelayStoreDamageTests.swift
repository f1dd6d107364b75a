import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// A damaged or missing store is said out loud, naming the file and what to do: never served as
/// empty documents, which every client would take for documents someone reset.
@Suite(.serialized) struct RelayStoreDamageTests {
    /// Runs `weft serve` on `directory`, expecting it to refuse (exit at once); one that starts
    /// instead is stopped after 20 s and reported with status 0.
    static func serve(_ directory: URL, _ extra: [String] = []) throws -> (status: Int32, stderr: String) {
        let errors = Pipe()
        let process = try ChildProcess(BuiltProduct.url("weft"), arguments: ["serve", "--listen", "127.0.0.1:0", "--data", directory.path] + extra,
                                       standardInput: .null, standardOutput: .null, standardError: .pipe(errors))
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.signal(SIGKILL)
            process.waitUntilExit()
            return (0, "started: " + String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self))
        }
        return (process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// A relay with one document holding "kept", stopped.
    /// `/healthz`'s status and body.
    static func health(of relay: RelayProcess) async throws -> (status: Int?, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(relay.port)/healthz")!)
        return ((response as? HTTPURLResponse)?.statusCode, String(decoding: data, as: UTF8.self))
    }

    static func directoryWithADocument() async throws -> URL {
        let directory = TemporaryDirectory.path("relay")
        let relay = try RelayProcess(dataDirectory: directory)
        var alice = Replica(replicaID: ReplicaID(0xA))
        let (client, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
        try await client.send(.batch(clientSeq: 1, ops: [try alice.insert("kept", at: 0)!]))
        #expect(await client.receive() == .ack(clientSeq: 1, serverSeq: 1))
        await client.close()
        // A graceful stop folds the write-ahead log into the database file.
        relay.process.terminate()
        relay.process.waitUntilExit()
        return directory
    }

    @Test func aStoreEmptiedOrDeletedIsRefusedUntilTheOperatorSaysSo() async throws {
        let directory = try await Self.directoryWithADocument()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("relay.sqlite")
        for damage in ["emptied", "deleted"] {
            for name in ["relay.sqlite", "relay.sqlite-wal", "relay.sqlite-shm"] {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            }
            if damage == "emptied" { FileManager.default.createFile(atPath: file.path, contents: Data()) }
            let refused = try Self.serve(directory)
            #expect(refused.status != 0, "\(damage): started")
            #expect(refused.stderr.contains(file.path) && refused.stderr.contains("--accept-lost-store") && refused.stderr.contains("backup"),
                    "\(damage): \(refused.stderr)")
            #expect(!refused.stderr.contains("Error Domain") && !refused.stderr.contains("NSCocoaErrorDomain"))
        }
        // Said otherwise, it starts (empty), and the next start needs nothing more.
        let accepted = try RelayProcess(dataDirectory: directory, extraArguments: ["--accept-lost-store"])
        accepted.kill()
        let again = try RelayProcess(dataDirectory: directory)
        again.kill()
    }

    @Test func aDamagedFileAndThingsInTheWayAreSaidInPlainWords() async throws {
        let directory = try await Self.directoryWithADocument()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Random bytes over the database's pages.
        let file = directory.appendingPathComponent("relay.sqlite")
        let handle = try FileHandle(forUpdating: file)
        try handle.seek(toOffset: 4096)
        var random = SeededGenerator(seed: 11)
        try handle.write(contentsOf: Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &random) }))
        try handle.close()
        let damaged = try Self.serve(directory)
        #expect(damaged.status != 0 && damaged.stderr.contains(file.path) && damaged.stderr.contains("backup"), "\(damaged.stderr)")

        let other = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: other) }
        try FileManager.default.createDirectory(at: other.appendingPathComponent("secret"), withIntermediateDirectories: true)
        let secret = try Self.serve(other)
        #expect(secret.status != 0 && secret.stderr.contains("secret") && secret.stderr.contains("is a directory"), "\(secret.stderr)")
        let aFile = other.appendingPathComponent("a-file")
        FileManager.default.createFile(atPath: aFile.path, contents: Data("x".utf8))
        let notADirectory = try Self.serve(aFile)
        #expect(notADirectory.status != 0 && notADirectory.stderr.contains("is a file, not a directory"), "\(notADirectory.stderr)")
        for result in [secret, notADirectory] { #expect(!result.stderr.contains("Error Domain")) }
    }

    /// A second relay on a data directory in use is refused at start, naming the first; once the
    /// first is gone the directory is free again.
    @Test func oneRelayPerDataDirectory() async throws {
        let directory = try await Self.directoryWithADocument()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try RelayProcess(dataDirectory: directory)
        let second = try Self.serve(directory)
        #expect(second.status != 0 && second.stderr.contains("another relay (pid \(first.process.processIdentifier))")
                && second.stderr.contains(directory.path), "\(second.stderr)")
        #expect(first.get("/healthz")?.status == 200, "the first relay goes on")
        first.kill()
        let again = try RelayProcess(dataDirectory: directory)
        #expect(again.get("/healthz")?.status == 200)
    }

    /// Log rows gone from under a document: the document is refused with `unavailable`, the log
    /// and `/healthz` say what is wrong, and other documents are served.
    @Test func aDocumentWithRowsMissingIsRefusedAndReported() async throws {
        let directory = try await Self.directoryWithADocument()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await DatabaseQueue(path: directory.appendingPathComponent("relay.sqlite").path).write { db in
            try db.execute(sql: "DELETE FROM log WHERE server_seq = 1")
        }
        let relay = try RelayProcess(dataDirectory: directory)
        let client = try await RelayTestClient(port: relay.port, path: "notes")
        try await client.send(.hello(Hello(document: try DocumentName("notes"), epoch: 0, replica: ReplicaID(0xB), lastServerSeq: 0)))
        guard case .error(let error, true)? = await client.receive() else { throw RelayTestFailure(description: "a damaged document was served") }
        #expect(error.code == .unavailable)
        let (health, body) = try await Self.health(of: relay)
        #expect(health == 503 && body.contains("notes") && body.contains("damaged"), "\(String(describing: health)) \(body)")
        let (fine, _, _) = try await RelayTests.join(relay, document: "other", replica: ReplicaID(0xC))
        await fine.close()
    }

    /// A packed piece of a document's history damaged on disk: `/history` answers `500 damaged`
    /// naming it, `/healthz` reports it even after other operations succeed, and the document
    /// itself is still served from its snapshot and log.
    @Test func aDamagedHistoryIsRefusedAndReported() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        var relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--compact-every", "4", "--compact-keep", "1"])
        var alice = Replica(replicaID: ReplicaID(0xA))
        let (client, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
        for seq in 1...6 {
            try await client.send(.batch(clientSeq: UInt64(seq), ops: [try alice.insert("\(seq)", at: alice.count)!]))
            #expect(await client.receive() == .ack(clientSeq: UInt64(seq), serverSeq: UInt64(seq)))
        }
        await client.close()
        relay.process.terminate()
        relay.process.waitUntilExit()
        try await DatabaseQueue(path: directory.appendingPathComponent("relay.sqlite").path).write { db in
            let bytes = try #require(try Data.fetchOne(db, sql: "SELECT bytes FROM history_packs ORDER BY first_seq LIMIT 1"))
            var damaged = [UInt8](bytes)
            damaged[damaged.count / 2] ^= 0x40
            try db.execute(sql: "UPDATE history_packs SET bytes = ?", arguments: [Data(damaged)])
        }
        relay = try RelayProcess(dataDirectory: directory)
        defer { relay.kill() }
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(relay.port)/history/notes")!)
        let answer = String(decoding: data, as: UTF8.self)
        #expect((response as? HTTPURLResponse)?.statusCode == 500 && answer.hasPrefix("damaged: in the relay's history of notes, a packed piece of the history cannot be read back ("), "\(answer)")
        #expect(answer.contains("(its deflated data is damaged: its bytes or their checksum are not what was written); it serves none of it until its operator restores the relay's data from a backup"), "\(answer)")
        // The document is served (its snapshot and log are whole); /healthz still says what is wrong.
        let (reader, _, _) = try await RelayTests.join(relay, replica: ReplicaID(0xB))
        await reader.close()
        let (health, body) = try await Self.health(of: relay)
        #expect(health == 503 && body.contains("the stored history of notes is damaged"), "\(String(describing: health)) \(body)")
    }

    /// The store failing while the relay runs (here another process holds its write lock, as a
    /// backup tool or an operator's `sqlite3` might): the batch is refused with `unavailable`,
    /// `/healthz` says why until an operation succeeds, and the batch lands once the store
    /// answers again.
    @Test func aStoreFailingWhileServingIsReportedUntilItAnswers() async throws {
        let directory = try await Self.directoryWithADocument()
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory)
        var bob = Replica(replicaID: ReplicaID(0xB))
        let (writer, _, replayed) = try await RelayTests.join(relay, replica: bob.replicaID)
        for case .broadcast(_, _, _, let ops) in replayed { try bob.apply(ops) }
        let batch = [try bob.insert("!", at: 4)!]

        // Python's sqlite3 holds the lock in another process (GRDB in this one refuses to leave a
        // transaction open across accesses); closing its input releases it.
        let python = try #require(BuiltProduct.onPath("python3"), "python3 is not on PATH; install it (Debian: sudo apt-get install python3; .ci/run does)")
        let (input, output) = (Pipe(), Pipe())
        let locker = try ChildProcess(python, arguments: ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            sys.stdin.read()
            db.execute("ROLLBACK")
            """, directory.appendingPathComponent("relay.sqlite").path], standardInput: .pipe(input), standardOutput: .pipe(output))
        var said = ""
        while !said.hasSuffix("\n") {
            let more = output.fileHandleForReading.availableData
            if more.isEmpty { break }
            said += String(decoding: more, as: UTF8.self)
        }
        #expect(said == "locked\n", "python3 did not take the lock")
        try await writer.send(.batch(clientSeq: 1, ops: batch))
        guard case .error(let error, true)? = await writer.receive() else { throw RelayTestFailure(description: "a commit to a locked store was not refused") }
        #expect(error.code == .unavailable, "\(error)")
        let (health, body) = try await Self.health(of: relay)
        #expect(health == 503 && body.contains("SQLite") && body.contains("locked"), "\(String(describing: health)) \(body)")

        try input.fileHandleForWriting.close()
        locker.waitUntilExit()
        #expect(locker.terminationStatus == 0)
        let (again, _, _) = try await RelayTests.join(relay, replica: bob.replicaID)
        try await again.send(.batch(clientSeq: 1, ops: batch))
        #expect(await again.receive() == .ack(clientSeq: 1, serverSeq: 2))
        #expect(try await Self.health(of: relay).status == 200)
        await again.close()
    }

    /// SIGTERM folds the write-ahead log into the database: the directory is one whole file.
    @Test func stoppingFoldsTheWriteAheadLog() async throws {
        let directory = try await Self.directoryWithADocument()  // stopped with SIGTERM
        defer { try? FileManager.default.removeItem(at: directory) }
        let wal = directory.appendingPathComponent("relay.sqlite-wal")
        let size = (try? FileManager.default.attributesOfItem(atPath: wal.path)[.size] as? Int) ?? 0
        #expect(size == 0, "the WAL holds \(size) bytes after a graceful stop")
    }
}
