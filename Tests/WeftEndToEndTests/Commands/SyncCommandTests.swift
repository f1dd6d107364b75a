import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// `weft apply`, `cat`, `put` and `status` as processes against a real relay on 127.0.0.1.
@Suite(.serialized, .ownThread) struct SyncCommandTests {
    /// Edits typing `words` one after another at the end of an empty document.
    func appending(_ words: [String]) -> [(pos: Int, del: Int, ins: String)] {
        var length = 0
        return words.map { word in
            defer { length += word.unicodeScalars.count }
            return (length, 0, word)
        }
    }

    @Test func applyCatPutAndStatusWorkTogether() throws {
        let root = TemporaryDirectory.path("sync")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let url = "ws://127.0.0.1:\(relay.port)/notes"
        let alice = WeftRun(home: root.appendingPathComponent("alice")), bob = WeftRun(home: root.appendingPathComponent("bob"))

        let applied = try alice(["apply", url], input: editLines([(0, 0, "hello"), (5, 0, " wörld 日本")]))
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try bob(["cat", url]).stdout == "hello wörld 日本")

        // Offline: queued, listed by status, visible in the local copy, not on the relay.
        #expect(try alice(["apply", "--offline", url], input: editLines([(0, 5, "HELLO")])).status == 0)
        let status = try alice(["status"])
        #expect(status.stdout.contains("\(url)\t1 unsent\toldest "), "\(status.stdout)")
        #expect(try alice(["cat", "--offline", url]).stdout == "HELLO wörld 日本")
        // Online, cat does not send them; what it prints includes them, and it says so.
        let withUnsent = try alice(["cat", url])
        #expect(withUnsent.stderr.contains("includes 1 edit made on this machine"), "\(withUnsent.stderr)")
        #expect(try bob(["cat", url]).stdout == "hello wörld 日本")
        // Empty input flushes the queue.
        #expect(try alice(["apply", url], input: "").status == 0)
        #expect(try alice(["status"]).stdout == "nothing unsent\n")
        #expect(try bob(["cat", url]).stdout == "HELLO wörld 日本")

        #expect(try bob(["put", url], input: "HELLO there 日本").status == 0)
        #expect(try alice(["cat", url]).stdout == "HELLO there 日本")
        // A byte-order mark is text like any other: put keeps it, cat gives it back.
        #expect(try bob(["put", url], input: "\u{FEFF}marked").status == 0)
        #expect(Array(try alice(["cat", url]).stdout.utf8) == Array("\u{FEFF}marked".utf8))

        // A machine that never had the document has no copy for positions to mean: there they
        // are for the relay's text, caught up first.
        let carol = WeftRun(home: root.appendingPathComponent("carol"))
        let fresh = try carol(["apply", url], input: editLines([(7, 0, " here")]))
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(Array(try bob(["cat", url]).stdout.utf8) == Array("\u{FEFF}marked here".utf8))
    }

    @Test func wssWithAPrivateCAAndTheServerFromTheConfigFile() throws {
        let root = TemporaryDirectory.path("wss")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let certificate = try TestCertificate(in: root)
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"), extraArguments: certificate.relayArguments)
        // TLS needs a host name (SNI), so the address says localhost.
        let url = "wss://localhost:\(relay.port)/secure"
        let alice = WeftRun(home: root.appendingPathComponent("alice"))
        let applied = try alice(["apply", url, "--ca-file", certificate.certificate.path], input: editLines([(0, 0, "over tls")]))
        #expect(applied.status == 0, "\(applied.stderr)")

        // Bob names only the document: the server comes from his config file.
        let bobHome = root.appendingPathComponent("bob")
        try FileManager.default.createDirectory(at: bobHome.appendingPathComponent("config"), withIntermediateDirectories: true)
        try Data("server = \"wss://localhost:\(relay.port)\"\n".utf8).write(to: bobHome.appendingPathComponent("config/config.toml"))
        let bob = WeftRun(home: bobHome)
        let read = try bob(["cat", "secure", "--ca-file", certificate.certificate.path])
        #expect(read.status == 0 && read.stdout == "over tls", "\(read.stderr)")

        // Without the CA the certificate is not trusted: nothing syncs.
        let untrusting = try WeftRun(home: root.appendingPathComponent("carol"))(["cat", url, "--timeout", "2"])
        #expect(untrusting.status == 1 && untrusting.stdout.isEmpty, "\(untrusting.stderr)")

        // A broken config file stops every command with its line.
        try Data("server = \"wss://localhost:1\"\nsevrer = 1\n".utf8).write(to: bobHome.appendingPathComponent("config/config.toml"))
        let broken = try bob(["cat", "secure"])
        #expect(broken.status == 3 && broken.stderr.contains("config.toml:2: unknown setting \"sevrer\""), "\(broken.stderr)")
        // A keymap or theme the config file names that does not exist is the config file's mistake.
        try Data("keymap = \"vimm\"\n".utf8).write(to: bobHome.appendingPathComponent("config/config.toml"))
        let misnamed = try bob(["edit", "secure"])
        #expect(misnamed.status == 3 && misnamed.stderr.contains("config.toml: keymap = \"vimm\": there is no keymap named \"vimm\" (available: default, emacs, less, vim)"),
                "\(misnamed.stderr)")
    }

    /// A connection cut mid-handshake (the proxy reads the upgrade request, then shuts the
    /// socket without answering) is given up after the configured `connect-timeout` and tried
    /// again; it used to wait for an answer forever.
    @Test func aConnectionCutMidHandshakeIsTriedAgain() throws {
        let root = TemporaryDirectory.path("handshake")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let proxy = try FaultProxy(targetPorts: [relay.port], seed: 1, cutAfter: 600_000...600_000, unansweredFirst: 1)
        let home = root.appendingPathComponent("alice")
        try FileManager.default.createDirectory(at: home.appendingPathComponent("config"), withIntermediateDirectories: true)
        try Data("connect-timeout = 1\n".utf8).write(to: home.appendingPathComponent("config/config.toml"))
        let applied = try WeftRun(home: home)(["apply", "--timeout", "30", "ws://127.0.0.1:\(proxy.port)/notes"], input: editLines([(0, 0, "through")]))
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stderr.contains("did not welcome the connection in time"), "\(applied.stderr)")
        #expect(try WeftRun(home: root.appendingPathComponent("bob"))(["cat", "ws://127.0.0.1:\(relay.port)/notes"]).stdout == "through")
    }

    @Test func badInputIsRefusedWithACodeAndChangesNothing() throws {
        let root = TemporaryDirectory.path("sync")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let url = "ws://127.0.0.1:\(relay.port)/notes"
        let alice = WeftRun(home: root.appendingPathComponent("alice"))
        #expect(try alice(["apply", url], input: editLines([(0, 0, "abc")])).status == 0)

        let badJSON = try alice(["apply", url], input: "{\"pos\": 0, \"ins\": \"x\"}\nnot json\n")
        #expect(badJSON.status == 3 && badJSON.stderr.contains("line 2"))
        let outOfRange = try alice(["apply", url], input: editLines([(1, 0, "y"), (50, 1, "")]))
        #expect(outOfRange.status == 3 && outOfRange.stderr.contains("edit 2") && outOfRange.stderr.contains("nothing was applied"), "\(outOfRange.stderr)")
        // Every line is checked before any applies: the first, which fits, was not applied either.
        #expect(try alice(["status"]).stdout == "nothing unsent\n")
        #expect(try alice(["apply", url], input: "").status == 0)
        #expect(try alice(["cat", url]).stdout == "abc")
        let deletionPastTheEnd = try alice(["apply", url], input: editLines([(0, 0, "x"), (0, 10, "")]))
        #expect(deletionPastTheEnd.status == 3 && deletionPastTheEnd.stderr.contains("nothing was applied"), "\(deletionPastTheEnd.stderr)")
        #expect(try alice(["cat", url]).stdout == "abc")
        let hostileName = try alice(["cat", "ws://127.0.0.1:\(relay.port)/../etc/passwd"])
        #expect(hostileName.status == 3 && hostileName.stderr.contains("document"))
        // Nothing answers: without a copy of the document there is no text for the positions,
        // and nothing is applied; with one, the edits wait in the queue as offline typing does.
        let unreachable = try alice(["apply", "--timeout", "1", "ws://127.0.0.1:1/notes"], input: editLines([(0, 0, "later")]))
        #expect(unreachable.status == 1 && unreachable.stderr.contains("nothing was applied: this machine has no copy"), "\(unreachable.stderr)")
        let unread = try alice(["cat", "--timeout", "1", "ws://127.0.0.1:1/notes"])
        #expect(unread.status == 1 && unread.stderr.components(separatedBy: "nothing answers").count == 2,
                "the reason is said once: \(unread.stderr)")
        #expect(try alice(["status"]).stdout == "nothing unsent\n")
        relay.kill()
        let offline = try alice(["apply", "--timeout", "1", url], input: editLines([(3, 0, "later")]))
        #expect(offline.status == 1 && offline.stderr.contains("1 batch still unsent"), "\(offline.stderr)")
        #expect(try alice(["status"]).stdout.contains("\(url)\t1 unsent"))
        #expect(try alice(["cat", "--offline", url]).stdout == "abclater")
    }

    @Test func aKilledClientsQueueArrivesOnceInOrder() throws {
        let root = TemporaryDirectory.path("sync")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let url = "ws://127.0.0.1:\(relay.port)/notes"
        let alice = WeftRun(home: root.appendingPathComponent("alice"))
        let words = (1...3000).map { "w\($0) " }
        let edits = appending(words)

        // Queued durably at once, then streaming to the relay: kill -9 in the middle.
        let (process, _, _) = try alice.start(["apply", url], input: editLines(edits))
        var unsent = 0
        for _ in 0..<400 {
            usleep(10_000)
            unsent = Int(try alice(["status"]).stdout.split(separator: "\t").dropFirst().first?.split(separator: " ").first ?? "0") ?? 0
            if unsent > 0 && unsent < 3000 { break }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(unsent > 0 && unsent < 3000, "killed with \(unsent) batches unsent: not in the middle of the stream")
        // Restarted with the same home, it sends what was left; every word arrives exactly once, in order.
        let resumed = try alice(["apply", url], input: "")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try WeftRun(home: root.appendingPathComponent("reader"))(["cat", url]).stdout == words.joined())
    }

    @Test func aKilledRelayLosesNoAcknowledgedEditAndDuplicatesNone() throws {
        let root = TemporaryDirectory.path("sync")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("relay")
        var relay = try RelayProcess(dataDirectory: data)
        let port = relay.port
        let url = "ws://127.0.0.1:\(port)/notes"
        let alice = WeftRun(home: root.appendingPathComponent("alice"))
        let words = (1...2000).map { "r\($0) " }
        let edits = appending(words)

        let (process, _, errors) = try alice.start(["apply", "--timeout", "60", url], input: editLines(edits))
        // Killed once it has committed some of the stream (acknowledged edits that must survive).
        #expect(RelayProcess.waitUntil(.seconds(60)) { (relay.metrics()["weft_batches_total"] ?? 0) > 0 }, "the relay committed nothing")
        relay.kill()
        relay = try RelayProcess(dataDirectory: data, port: port)
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(try WeftRun(home: root.appendingPathComponent("reader"))(["cat", url]).stdout == words.joined())
        _ = relay
    }

    @Test func aClientFarBehindCatchesUpFromTheSnapshotKeepingItsUnsentEdits() throws {
        let root = TemporaryDirectory.path("sync")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"), extraArguments: ["--compact-every", "10", "--compact-keep", "2"])
        let url = "ws://127.0.0.1:\(relay.port)/notes"
        let alice = WeftRun(home: root.appendingPathComponent("alice")), bob = WeftRun(home: root.appendingPathComponent("bob"))
        #expect(try bob(["apply", url], input: editLines([(0, 0, "[bob]")])).status == 0)
        // Bob is away with an unsent edit while Alice's 30 batches go through two compactions.
        #expect(try bob(["apply", "--offline", url], input: editLines([(5, 0, "[later]")])).status == 0)
        // Alice syncs first, so her insertions go before "[bob]" by position, not by a tie-break
        // between two replicas' random ids.
        #expect(try alice(["cat", url]).stdout == "[bob]")
        #expect(try alice(["apply", url], input: editLines((0..<30).map { (0, 0, "a\($0) ") })).status == 0)
        let caughtUp = try bob(["apply", url], input: "")
        #expect(caughtUp.status == 0, "\(caughtUp.stderr)")
        let expected = (0..<30).reversed().map { "a\($0) " }.joined() + "[bob][later]"
        #expect(try bob(["cat", "--offline", url]).stdout == expected)
        #expect(try alice(["cat", url]).stdout == expected)
    }

    /// A damaged queue is reported and its damaged bytes kept aside; this copy, which still holds
    /// what the lost record carried, is given back whole, so the copies agree and nothing the
    /// relay would refuse is sent.
    @Test func aDamagedQueueIsReportedAndTheCopyGivenBackWhole() throws {
        let root = TemporaryDirectory.path("sync")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let url = "ws://127.0.0.1:\(relay.port)/notes"
        let alice = WeftRun(home: root.appendingPathComponent("alice"))
        #expect(try alice(["apply", "--offline", url], input: editLines([(0, 0, "one ")])).status == 0)
        #expect(try alice(["apply", "--offline", url], input: editLines([(4, 0, "two ")])).status == 0)
        #expect(try alice(["apply", "--offline", url], input: editLines([(8, 0, "three")])).status == 0)
        let queue = root.appendingPathComponent("alice/documents/ws-127.0.0.1-\(relay.port)/notes/queue.weftq")
        let bytes = try Data(contentsOf: queue)
        try bytes.dropLast(4).write(to: queue)  // the last record torn, as by a crash mid-write

        let flushed = try alice(["apply", url], input: "")
        #expect(flushed.status == 0)
        #expect(flushed.stderr.contains("the offline queue was damaged") && flushed.stderr.contains("kept the 2 whole batches"), "\(flushed.stderr)")
        #expect(flushed.stderr.contains(".damaged-") && flushed.stderr.contains("giving it this copy back"), "\(flushed.stderr)")
        #expect(try WeftRun(home: root.appendingPathComponent("reader"))(["cat", url]).stdout == "one two three")
        #expect(try alice(["apply", url], input: editLines([(0, 0, "zero ")])).status == 0)
        #expect(try WeftRun(home: root.appendingPathComponent("reader"))(["cat", url]).stdout == "zero one two three")
        #expect(try alice(["cat", url]).stdout == "zero one two three")
    }
}
