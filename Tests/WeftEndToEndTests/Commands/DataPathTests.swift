import Foundation
import Testing
import WeftCRDT
import WeftSync
import WeftTestSupport
import WeftTestTraits

/// Ordinary use the promise must hold for, with real processes on 127.0.0.1: edits of any size,
/// batches the relay refuses, relays that lost their data, links that break every few kilobytes.
@Suite(.serialized, .ownThread) struct DataPathTests {
    /// Deterministic text of about `bytes` UTF-8 bytes, in lines, with multi-byte characters.
    static func text(bytes: Int, seed: UInt64) -> String {
        var random = SeededGenerator(seed: seed)
        let pieces = ["lorem ", "ipsum ", "dolor ", "日本語 ", "é", "👍🏽 ", "x", "\t"]
        var lines: [String] = []
        var size = 0
        while size < bytes {
            let line = "\(lines.count): " + (0..<12).map { _ in pieces.randomElement(using: &random)! }.joined() + "\n"
            lines.append(line)
            size += line.utf8.count
        }
        return lines.joined()
    }

    /// A `weft apply` line inserting `text` at `position`, with JSON's escapes.
    static func insertion(_ text: String, at position: Int) -> String {
        let json = try! JSONSerialization.data(withJSONObject: ["pos": position, "ins": text])
        return String(decoding: json, as: UTF8.self) + "\n"
    }

    /// A 20 MB `put` and a 3 MB one-line `apply` (each far past the 512 KiB batch limit) arrive
    /// whole, in order, byte for byte, and nothing stays queued.
    @Test func editsOfAnySizeArriveWhole() throws {
        let root = TemporaryDirectory.path("big")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let url = "ws://127.0.0.1:\(relay.port)/big"
        let alice = WeftRun(home: root.appendingPathComponent("alice")), bob = WeftRun(home: root.appendingPathComponent("bob"))
        let big = Self.text(bytes: 20_000_000, seed: 20)
        let put = try alice(["put", "--timeout", "300", url], input: big)
        #expect(put.status == 0, "\(put.stderr)")
        let read = try bob(["cat", "--timeout", "300", url])
        #expect(read.status == 0 && read.stdout.utf8.count == big.utf8.count && read.stdout == big, "\(read.stderr)")

        let line = String(Self.text(bytes: 3_000_000, seed: 3).map { $0 == "\n" ? " " : $0 })
        let applied = try alice(["apply", "--timeout", "300", url], input: Self.insertion(line, at: big.unicodeScalars.count))
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try bob(["cat", "--timeout", "300", url]).stdout == big + line)
        #expect(try alice(["status"]).stdout == "nothing unsent\n")
    }

    /// A queue holding one batch far over the relay's limit (as earlier versions wrote for a big
    /// paste) is not read as damage and does not wedge the document: the batch is cut into
    /// batches the relay takes, and it arrives with what was queued after it.
    @Test func anOversizedQueuedBatchIsCutNotWedged() throws {
        let root = TemporaryDirectory.path("oversized")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let url = "ws://127.0.0.1:\(relay.port)/notes"
        let alice = WeftRun(home: root.appendingPathComponent("alice"))
        #expect(try alice(["apply", "--offline", url], input: Self.insertion("start ", at: 0)).status == 0)
        let address = try DocumentAddress(parsing: url, defaultServer: DocumentAddress.builtInServer)
        let directory = ClientHome(data: alice.home, config: alice.home.appendingPathComponent("config")).directory(for: address)
        let big = Self.text(bytes: 4_000_000, seed: 4)
        do {
            let files = try DocumentFiles(directory: directory)
            let queue = try OfflineQueue(url: files.queueURL, newReplica: ReplicaID(1))
            var copy = try Replica(snapshot: try #require(try ReplicaCache.load(from: files.cacheURL)).snapshot, replicaID: queue.replica)
            for batch in queue.pending { try copy.apply(OpCodec.decode(batch.ops)) }
            let op = try #require(try copy.insert(big, at: copy.count))
            try queue.append([[op]], maxBatchBytes: .max)  // as an earlier version wrote it: one 4 MB record
            try queue.append([[try #require(try copy.insert(" end", at: copy.count))]])
        }
        #expect(try alice(["status"]).stdout.contains("3 unsent"), "the queue reads whole")
        let sent = try alice(["apply", "--timeout", "120", url], input: "")
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(try WeftRun(home: root.appendingPathComponent("bob"))(["cat", "--timeout", "120", url]).stdout == "start " + big + " end")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/\(DocumentFiles.queueName).damaged"))
    }

    /// A batch the relay refuses for good (here, one no correct client could make) does not block
    /// what comes after: this copy is saved where the user can get it back, the user is told
    /// (exit 2), and the document goes on syncing.
    /// A queued batch the relay refuses for good, as a damaged or buggy client could write it.
    enum RefusedBatch: String, CaseIterable, Sendable {
        /// An insertion numbered 90 where the replica has typed 7 characters.
        case counterSkipsAhead
        /// An insertion whose right origin is left of its left origin: it passes every rule that
        /// can be checked alone, and cannot be placed.
        case originsCrossed

        func insertion(of replica: ReplicaID) -> Insertion {
            switch self {
            case .counterSkipsAhead:
                Insertion(id: CharID(replica: replica, counter: 90), originLeft: nil, originRight: nil, text: "lost? ")
            case .originsCrossed:
                Insertion(id: CharID(replica: replica, counter: 7), originLeft: CharID(replica: replica, counter: 6),
                          originRight: CharID(replica: replica, counter: 0), text: "lost? ")
            }
        }
    }

    @Test(arguments: RefusedBatch.allCases)
    func aRefusedBatchIsSetAsideAndSyncingGoesOn(_ kind: RefusedBatch) throws {
        let root = TemporaryDirectory.path("refused")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let url = "ws://127.0.0.1:\(relay.port)/notes"
        let alice = WeftRun(home: root.appendingPathComponent("alice")), bob = WeftRun(home: root.appendingPathComponent("bob"))
        #expect(try alice(["apply", url], input: Self.insertion("shared ", at: 0)).status == 0)
        let address = try DocumentAddress(parsing: url, defaultServer: DocumentAddress.builtInServer)
        let directory = ClientHome(data: alice.home, config: alice.home.appendingPathComponent("config")).directory(for: address)
        do {
            let files = try DocumentFiles(directory: directory)
            let queue = try OfflineQueue(url: files.queueURL, newReplica: ReplicaID(1))
            try queue.append([[.insert(kind.insertion(of: queue.replica))]])
        }
        let refused = try alice(["apply", "--timeout", "60", url], input: "")
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("refused an edit") && refused.stderr.contains("recovered-"), "\(refused.stderr)")
        let recovered = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("recovered-") }
        #expect(recovered.count == 1)
        // The document syncs on, both ways.
        #expect(try alice(["apply", url], input: Self.insertion("after", at: 7)).status == 0)
        #expect(try bob(["cat", url]).stdout == "shared after")
        #expect(try bob(["apply", url], input: Self.insertion("!", at: 12)).status == 0)
        #expect(try alice(["cat", url]).stdout == "shared after!")
        // Nothing is unsent, but this copy still holds what the relay refused: status says where.
        let status = try alice(["status"]).stdout
        #expect(!status.contains("unsent") && status.contains("set aside: ") && status.contains("recovered-"), "\(status)")
    }

    /// A relay whose data directory was wiped gets the document back from its clients' copies,
    /// every character once, even though both give back overlapping copies.
    @Test func aWipedRelayIsHealedByItsClients() throws {
        let root = TemporaryDirectory.path("wiped")
        defer { try? FileManager.default.removeItem(at: root) }
        var cast = try RelayWithTwoClients(root: root)
        let (url, alice, bob) = (cast.url, cast.alice, cast.bob)
        #expect(try alice(["apply", url], input: Self.insertion("one. ", at: 0)).status == 0)
        #expect(try bob(["cat", url]).stdout == "one. ")  // edits apply to the copy as it is: sync it first
        #expect(try bob(["apply", url], input: Self.insertion("two. ", at: 5)).status == 0)
        #expect(try alice(["cat", url]).stdout == "one. two. ")
        #expect(try alice(["apply", "--offline", url], input: Self.insertion("three. ", at: 10)).status == 0)

        try cast.restart { try FileManager.default.removeItem(at: $0) }
        // Read-only, a copy cannot be given back: while the relay lacks what it holds, cat says so
        // rather than set it aside, or print the relay's poorer copy.
        let early = try bob(["cat", "--timeout", "60", url])
        #expect(early.status == 2 && early.stderr.contains("weft apply"), "\(early.stderr)")
        #expect(try bob(["cat", "--offline", url]).stdout == "one. two. ", "the copy is kept")
        let healed = try alice(["apply", "--timeout", "60", url], input: "")
        #expect(healed.status == 0 && healed.stderr.contains("giving it this copy back"), "\(healed.stderr)")
        // Once the relay holds all of it (alice's copy had bob's words), reading takes the relay's.
        let reading = try bob(["cat", "--timeout", "60", url])
        #expect(reading.status == 0 && reading.stdout == "one. two. three. ", "\(reading.stdout) \(reading.stderr)")
        // At the start, where nothing was typed concurrently: the order does not hang on replica ids.
        #expect(try bob(["apply", "--timeout", "60", url], input: Self.insertion("zero. ", at: 0)).status == 0)
        let reader = WeftRun(home: root.appendingPathComponent("reader"))
        let text = try reader(["cat", url]).stdout
        #expect(text == "zero. one. two. three. ", "\(text)")
        #expect(try alice(["cat", url]).stdout == "zero. one. two. three. ")
        for home in [alice, bob] {
            let files = try FileManager.default.subpathsOfDirectory(atPath: home.home.path)
            #expect(!files.contains { $0.contains("recovered-") }, "nothing was set aside")
        }
    }

    /// Copies given back to a stand-in relay (an empty data directory on the document's address,
    /// as a relay started by mistake is), then to the document's own relay again, keep what was
    /// typed offline: each copy proves with its earlier replica's key that those characters are
    /// its own, and a copy holding another writer's offline characters waits until that writer's
    /// copy has given them back, instead of being set aside.
    @Test func copiesGivenBackToAStandInRelayKeepTheirOfflineEditsAtHome() throws {
        let root = TemporaryDirectory.path("stand-in")
        defer { try? FileManager.default.removeItem(at: root) }
        var cast = try RelayWithTwoClients(root: root)
        let (url, alice, bob) = (cast.url, cast.alice, cast.bob)
        #expect(try alice(["apply", url], input: Self.insertion("home.", at: 0)).status == 0)
        #expect(try bob(["cat", url]).stdout == "home.")
        let home = root.appendingPathComponent("home")
        try cast.restart { data in try FileManager.default.moveItem(at: data, to: home) }
        #expect(try alice(["apply", "--offline", url], input: Self.insertion(" ana", at: 5)).status == 0)
        #expect(try bob(["apply", "--offline", url], input: Self.insertion("bob ", at: 0)).status == 0)
        // The stand-in: both give it their copies; bob's then holds alice's offline words too.
        #expect(try alice(["apply", "--timeout", "60", url], input: "").status == 0)
        #expect(try bob(["apply", "--timeout", "60", url], input: "").status == 0)
        #expect(try alice(["cat", url]).stdout == "bob home. ana")

        try cast.restart { data in
            try FileManager.default.removeItem(at: data)
            try FileManager.default.moveItem(at: home, to: data)
        }
        // Bob first: his copy holds alice's words, which only her copy may give back here.
        let waiting = try bob(["apply", "--timeout", "3", url], input: "")
        #expect(waiting.status != 0 && waiting.stderr.contains("only its own copy can give them back"), "\(waiting.stderr)")
        #expect(waiting.stderr.components(separatedBy: "only its own copy").count == 2, "said once: \(waiting.stderr)")
        #expect(try alice(["apply", "--timeout", "60", url], input: "").status == 0)
        #expect(try bob(["apply", "--timeout", "60", url], input: "").status == 0)
        #expect(try WeftRun(home: root.appendingPathComponent("reader"))(["cat", url]).stdout == "bob home. ana")
        for person in [alice, bob] {
            let files = try FileManager.default.subpathsOfDirectory(atPath: person.home.path)
            #expect(!files.contains { $0.contains("recovered-") }, "nothing was set aside")
        }
    }

    /// A copy of several megabytes is given back whole, within the timeout, in batches the relay
    /// takes (building the restore batches once stalled on copies of a few MB).
    @Test func aBigCopyIsGivenBackWhole() throws {
        let root = TemporaryDirectory.path("big-heal")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("relay")
        var relay = try RelayProcess(dataDirectory: data)
        let port = relay.port
        let url = "ws://127.0.0.1:\(port)/notes"
        let alice = WeftRun(home: root.appendingPathComponent("alice"))
        let text = Self.text(bytes: 4_000_000, seed: 44)
        #expect(try alice(["put", "--timeout", "120", url], input: text).status == 0)
        relay.kill()
        try FileManager.default.removeItem(at: data)
        relay = try RelayProcess(dataDirectory: data, port: port)
        let started = ContinuousClock.now
        let healed = try alice(["apply", "--timeout", "60", url], input: "")
        #expect(healed.status == 0, "\(healed.stderr)")
        #expect(try WeftRun(home: root.appendingPathComponent("reader"))(["cat", "--timeout", "60", url]).stdout == text)
        print("a 4 MB copy given back in \(ContinuousClock.now - started)")
    }

    /// A relay back from an old backup (its log shorter than what clients applied, under the same
    /// epoch) starts a new epoch and is healed by every client, including one whose own batches
    /// were all in the backup.
    @Test func aRelayBackFromAnOldBackupIsHealed() throws {
        let root = TemporaryDirectory.path("backup")
        defer { try? FileManager.default.removeItem(at: root) }
        var cast = try RelayWithTwoClients(root: root)
        let (url, alice, bob) = (cast.url, cast.alice, cast.bob)
        try cast.backUp(after: "old ")
        #expect(try bob(["cat", url]).stdout == "old ")
        #expect(try bob(["apply", url], input: Self.insertion("bob ", at: 4)).status == 0)
        #expect(try alice(["cat", url]).stdout == "old bob ")
        #expect(try alice(["apply", url], input: Self.insertion("ana", at: 8)).status == 0)
        #expect(try bob(["cat", url]).stdout == "old bob ana")

        try cast.putTheBackupBack()
        #expect(try Self.text(afterGivingBack: [alice, bob], url: url, root: root) == "old bob ana")
    }

    /// Each of `clients` connects (giving its copy back when the relay asks), then a new reader
    /// reads the document.
    static func text(afterGivingBack clients: [WeftRun], url: String, root: URL) throws -> String {
        for client in clients { #expect(try client(["apply", "--timeout", "60", url], input: "").status == 0) }
        return try WeftRun(home: root.appendingPathComponent("reader"))(["cat", url]).stdout
    }

    /// A relay back from an old backup whose log others wrote past again before a client came
    /// back: serverSeqs alone no longer show the loss, but the client's receipt for batches the
    /// relay lacks does, and every copy is given back: the text is everyone's, exactly once.
    @Test func aRelayBackFromAnOldBackupIsHealedAfterOthersWroteOn() throws {
        let root = TemporaryDirectory.path("backup-grown")
        defer { try? FileManager.default.removeItem(at: root) }
        var cast = try RelayWithTwoClients(root: root)
        let (url, alice, bob) = (cast.url, cast.alice, cast.bob)
        try cast.backUp(after: "old ")
        let carol = WeftRun(home: root.appendingPathComponent("carol"))
        #expect(try alice(["apply", url], input: Self.insertion("ana ", at: 4)).status == 0)
        #expect(try bob(["cat", url]).stdout == "old ana ")
        #expect(try bob(["apply", url], input: Self.insertion("bob", at: 8)).status == 0)
        #expect(try alice(["cat", url]).stdout == "old ana bob")

        try cast.putTheBackupBack()
        // Carol, new, writes three batches: the log's head passes what alice and bob applied.
        #expect(try carol(["cat", url]).stdout == "old ")
        for word in ["x", "y", "z"] {
            #expect(try carol(["apply", url], input: Self.insertion(word, at: 0)).status == 0)
        }
        let before = try WeftRun(home: root.appendingPathComponent("first-reader"))(["cat", url]).stdout
        #expect(before == "zyxold ", "the relay lost ana's and bob's batches")
        let healed = try alice(["apply", "--timeout", "60", url], input: "")
        #expect(healed.status == 0 && healed.stderr.contains("lost edits it had acknowledged"), "\(healed.stderr)")
        #expect(try Self.text(afterGivingBack: [bob, carol], url: url, root: root) == "zyxold ana bob")
    }

    /// A relay back from an old backup that others wrote to before a reader of the lost batches
    /// came back: at its last serverSeq the log now holds another batch, which the reader's hello
    /// names the one it applied there shows. The reader is asked for its copy instead of being
    /// replayed what follows (which would leave it for good without the batch that took that
    /// place, saying it was in sync); it gives back another writer's lost word, and everyone ends
    /// with every word.
    @Test func aCopyWhoseLastBatchTheRestoredLogReplacedIsAskedForIt() throws {
        let root = TemporaryDirectory.path("backup-replaced")
        defer { try? FileManager.default.removeItem(at: root) }
        var cast = try RelayWithTwoClients(root: root)
        let (url, reader, writer) = (cast.url, cast.alice, cast.bob)
        let other = WeftRun(home: root.appendingPathComponent("other"))
        #expect(try reader(["apply", url], input: Self.insertion("w0 ", at: 0)).status == 0)
        for person in [reader, writer, other] { #expect(try person(["cat", url]).stdout == "w0 ") }
        try cast.restart { [backup = cast.backup] data in try FileManager.default.copyItem(at: data, to: backup) }
        #expect(try writer(["apply", url], input: Self.insertion("w1 ", at: 0)).status == 0)
        #expect(try reader(["cat", url]).stdout == "w1 w0 ", "the reader has the writer's word")

        try cast.putTheBackupBack()
        #expect(try other(["apply", url], input: Self.insertion("w2 ", at: 0)).status == 0, "the log goes on where the lost word was")
        // The writer's replica was bound after the backup: restored, the relay does not know it
        // writes, and the reader's copy gives its word back at once.
        let asked = try reader(["apply", "--timeout", "30", url], input: "")
        #expect(asked.status == 0 && asked.stderr.contains("giving it this copy back"), "\(asked.stderr)")
        let held = try reader(["cat", "--offline", url]).stdout
        #expect(held.contains("w1 ") && held.contains("w2 "), "the reader sees what took the lost word's place, and keeps it: \(held)")

        for person in [writer, reader, other] {
            let synced = try person(["apply", "--timeout", "30", url], input: "")
            #expect(synced.status == 0, "\(synced.stderr)")
        }
        let text = try WeftRun(home: root.appendingPathComponent("fresh"))(["cat", url]).stdout
        #expect(text.split(separator: " ").sorted() == ["w0", "w1", "w2"], "\(text)")
        for person in [reader, writer, other] { #expect(try person(["cat", url]).stdout == text) }
    }

    /// A relay killed with acknowledged batches still in its write-ahead log, whose log is then
    /// damaged: SQLite drops the frames that fail their checksums, so the relay comes back with an
    /// older document (under the same epoch), and its clients give back what it lost.
    @Test func aDamagedWriteAheadLogIsHealedByTheClients() throws {
        let root = TemporaryDirectory.path("wal")
        defer { try? FileManager.default.removeItem(at: root) }
        var cast = try RelayWithTwoClients(root: root)
        let (url, alice, bob) = (cast.url, cast.alice, cast.bob)
        #expect(try alice(["apply", url], input: Self.insertion("kept. ", at: 0)).status == 0)
        // Stopped, not killed: the relay folds its log into relay.sqlite.
        try cast.restart(stopping: true)
        #expect(try alice(["apply", url], input: Self.insertion("ana. ", at: 6)).status == 0)
        #expect(try bob(["cat", url]).stdout == "kept. ana. ")
        #expect(try bob(["apply", url], input: Self.insertion("bob.", at: 11)).status == 0)
        try cast.restart { data in
            let wal = data.appendingPathComponent("relay.sqlite-wal")
            var bytes = [UInt8](try Data(contentsOf: wal))
            #expect(bytes.count > 32 + 4096, "the acknowledged batches are in the write-ahead log")
            // Every frame's page, after the log's 32-byte header and each frame's 24-byte header.
            for index in stride(from: 32 + 24, to: bytes.count, by: 24 + 4096) { bytes[index + 100] ^= 0xFF }
            try Data(bytes).write(to: wal)
        }
        #expect(try WeftRun(home: root.appendingPathComponent("first-reader"))(["cat", url]).stdout == "kept. ",
                "the relay lost what its damaged log held")
        #expect(try Self.text(afterGivingBack: [alice, bob], url: url, root: root) == "kept. ana. bob.")
    }

    /// Document names that look like another document's files (`nest/queue.weftq`, `r2/lock`)
    /// each get files of their own, in either order; and a document an earlier version kept
    /// in nested directories is found and moved.
    @Test func documentsWhoseNamesNestKeepTheirOwnFiles() throws {
        let root = TemporaryDirectory.path("nest")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let alice = WeftRun(home: root.appendingPathComponent("alice"))
        let server = "ws://127.0.0.1:\(relay.port)"
        for (name, text) in [("nest", "one"), ("nest/queue.weftq", "two"), ("r2/lock", "three"), ("r2", "four")] {
            let put = try alice(["put", "\(server)/\(name)"], input: text)
            #expect(put.status == 0, "\(name): \(put.stderr)")
        }
        for (name, text) in [("nest", "one"), ("nest/queue.weftq", "two"), ("r2/lock", "three"), ("r2", "four")] {
            #expect(try alice(["cat", "--offline", "\(server)/\(name)"]).stdout == text, "\(name)")
        }
        // An earlier version's layout: team/plan's files in documents/SERVER/team/plan/.
        #expect(try alice(["apply", "--offline", "\(server)/team/plan"], input: Self.insertion("planned", at: 0)).status == 0)
        let documents = alice.home.appendingPathComponent("documents/ws-127.0.0.1-\(relay.port)")
        let nested = documents.appendingPathComponent("team/plan")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: documents.appendingPathComponent("team%2Fplan").path) {
            try FileManager.default.moveItem(at: documents.appendingPathComponent("team%2Fplan/\(file)"), to: nested.appendingPathComponent(file))
        }
        try FileManager.default.removeItem(at: documents.appendingPathComponent("team%2Fplan"))
        #expect(try alice(["status"]).stdout.contains("team/plan\t1 unsent"))
        #expect(try alice(["apply", "\(server)/team/plan"], input: "").status == 0)
        #expect(try WeftRun(home: root.appendingPathComponent("bob"))(["cat", "\(server)/team/plan"]).stdout == "planned")
    }

    /// Three clients of 300 one-token edits each, through a proxy that cuts every connection
    /// after at most 6 KB or 1.5 s, all get through (a client sends while the relay replays, keeps
    /// replay progress across cuts, and backs off afresh after any progress); every token is there
    /// exactly once. About 45 s on an idle 2-core machine; the bound is the commands' own timeout,
    /// with room for the rest of the suite running beside it.
    @Test func threeClientsGetThroughALinkCutEveryFewKilobytes() async throws {
        let root = TemporaryDirectory.path("flaky")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let proxy = try FaultProxy(targetPorts: [relay.port], seed: 0xF1A4, cutAfter: 50...1_500, cutAfterBytes: 500...6_000)
        let url = "ws://127.0.0.1:\(proxy.port)/shared"
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<3 {
                group.addTask {
                    let input = (0..<300).map { Self.insertion("<c\(client)e\($0)>", at: 0) }.joined()
                    let result = try await WeftRun(home: root.appendingPathComponent("client\(client)")).run(["apply", "--timeout", "120", url], input: input)
                    #expect(result.status == 0, "client \(client): \(result.stderr.suffix(2_000))")
                }
            }
            try await group.waitForAll()
        }
        let took = ContinuousClock.now - started
        #expect(took < .seconds(120), "took \(took)")
        #expect(proxy.cuts > 10, "only \(proxy.cuts) cuts: the link was not flaky")
        let text = try WeftRun(home: root.appendingPathComponent("reader"))(["cat", "ws://127.0.0.1:\(relay.port)/shared"]).stdout
        for client in 0..<3 {
            for edit in 0..<300 {
                #expect(text.components(separatedBy: "<c\(client)e\(edit)>").count == 2, "token c\(client)e\(edit) not there exactly once")
            }
        }
        let tokens = (0..<3).flatMap { client in (0..<300).map { "<c\(client)e\($0)>" } }
        let expectedLength: Int = tokens.reduce(0) { $0 + $1.unicodeScalars.count }
        #expect(text.unicodeScalars.count == expectedLength, "stray characters")
        print("three clients × 300 edits through \(proxy.cuts) cuts: \(took)")
    }
}

/// A relay on `ROOT/relay` and two clients, alice and bob: the cast of the tests of relays that
/// lose what they had.
struct RelayWithTwoClients {
    let data: URL, backup: URL
    var relay: RelayProcess
    let url: String
    let alice: WeftRun, bob: WeftRun

    init(root: URL) throws {
        data = root.appendingPathComponent("relay")
        backup = root.appendingPathComponent("backup")
        relay = try RelayProcess(dataDirectory: data)
        url = "ws://127.0.0.1:\(relay.port)/notes"
        alice = WeftRun(home: root.appendingPathComponent("alice"))
        bob = WeftRun(home: root.appendingPathComponent("bob"))
    }

    /// Kills the relay (with `stopping`, stops it as `weft relay stop` does), lets `change` do
    /// what it will to the data directory, and starts the relay again on the same port.
    mutating func restart(stopping: Bool = false, then change: (URL) throws -> Void = { _ in }) throws {
        if stopping {
            #expect(relay.stop(waitingAtMost: .seconds(10)) != nil, "the relay did not stop")
        } else {
            relay.kill()
        }
        try change(data)
        relay = try RelayProcess(dataDirectory: data, port: relay.port)
    }

    /// Alice writes `text`, then the data directory is backed up.
    mutating func backUp(after text: String) throws {
        #expect(try alice(["apply", url], input: DataPathTests.insertion(text, at: 0)).status == 0)
        try restart { [backup] data in try FileManager.default.copyItem(at: data, to: backup) }
    }

    /// Puts the backup in place of the relay's data directory.
    mutating func putTheBackupBack() throws {
        try restart { [backup] data in
            try FileManager.default.removeItem(at: data)
            try FileManager.default.moveItem(at: backup, to: data)
        }
    }
}
