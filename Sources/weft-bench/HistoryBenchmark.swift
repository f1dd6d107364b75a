import ArgumentParser
import Foundation
import GRDB
import WeftCRDT
import WeftServer
import WeftSync
import WeftTestSupport
import WeftWire

/// `weft-bench history TRACE`: what keeping every batch costs, and how fast history answers.
struct HistoryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Storage of a trace's whole history in the relay's SQLite store against snapshot and log only; blame and --at timings.",
        discussion: """
            Commits every edit of the trace as one batch (100 batches a group commit) to a SQLite \
            store compacting as the relay does (every 10,000, keeping 2,000), then prints the \
            store's size with its history and without it (today's snapshot and log), and times: \
            decoding the whole history as the relay sends it, --at its oldest version, the newest \
            version, blame of it, and through a relay on loopback: --at 1 read and replayed in \
            this process and as `weft view --at 1` takes it, and the whole history read; and for a \
            synthetic 10 MB document typed by four people: decoding its history, replaying it, \
            blame with its output, the four in a row, and all of it through a relay (in this \
            process and as `weft blame` takes it). Needs the release `weft` beside this benchmark.
            """
    )

    @OptionGroup var options: BenchmarkOptions

    @Option(help: "Megabytes of the synthetic document blame is timed on.")
    var blameMegabytes = 10

    @Flag(help: "Time only the synthetic document (no trace store); the trace is not read.")
    var syntheticOnly = false

    func run() async throws {
        var fields: [(String, String)] = []
        if !syntheticOnly { fields += try await traceFields() }
        fields += try await syntheticFields()
        print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
    }

    /// The trace's store sizes, and --at and blame timings on its history.
    func traceFields() async throws -> [(String, String)] {
        let trace = try TraceLoader.sequential(URL(fileURLWithPath: options.path))
        let (_, ops) = try TraceReplay.sequential(trace)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-bench-history-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(directory: directory)
        let document = try DocumentName("bench")
        _ = try await store.open(document)
        _ = try await store.bindAuthor(ReplicaID(1), in: document, to: BatchAuthor(name: "ana", verified: true))
        var replica = Replica(replicaID: ReplicaID(2))
        let policy = CompactionPolicy()
        var head: UInt64 = 0, snapshotSeq: UInt64 = 0
        for start in stride(from: 0, to: ops.count, by: 100) {
            let group = ops[start..<min(ops.count, start + 100)]
            let batches = group.enumerated().map { PendingBatch(replica: ReplicaID(1), clientSeq: UInt64(start + $0.offset + 1), ops: OpCodec.encode([$0.element])) }
            head = try await store.commit(batches, to: document).head
            _ = try replica.apply(Array(group))
            if head - snapshotSeq >= policy.every {
                try await store.compact(document, snapshot: replica.encodeSnapshot(), serverSeq: head, keepAfter: head - min(head, policy.keep))
                snapshotSeq = head
            }
        }
        // What a client does: read every entry, decode, replay.
        let history = DocumentHistory(floor: 0, entries: try await store.history(of: document, after: 0, limit: .max).entries)
        // What the relay does to answer /history: read the packs and the log, unpack.
        var readTimes: [Double] = []
        for _ in 0..<options.runs {
            let start = ContinuousClock.now
            _ = try await store.history(of: document, after: 0, limit: .max)
            readTimes.append(Measure.milliseconds(ContinuousClock.now - start))
        }
        let readMs = readTimes.sorted()[readTimes.count / 2]
        await store.close()
        // The same, through a relay: in this process, and as `weft view --at 1` takes it.
        let (oldestRelayMs, oldestCommandMs, wholeRelayMs) = try await Self.served(directory) { relay in
            (try await Self.readMilliseconds(of: "bench", bound: HistoryBound(throughSeq: 1), from: relay, runs: options.runs),
             try Self.commandMilliseconds(["view", "ws://127.0.0.1:\(relay.port)/bench", "--at", "1"], runs: options.runs),
             try await Self.readMilliseconds(of: "bench", bound: .none, from: relay, runs: options.runs))
        }
        // Last: measuring drops the history from the store.
        let (withHistory, withoutHistory, historyEntries) = try Self.sizes(directory.appendingPathComponent(SQLiteStore.fileName))
        let page = HistoryPage(floor: 0, more: false, entries: history.entries).encoded()
        let decodeMs = try Measure.median(runs: options.runs) { _ = try HistoryPage(decoding: page) }
        let oldestMs = try Measure.median(runs: options.runs) {
            var replay = try HistoryReplay(DocumentHistory(floor: 0, entries: try HistoryPage(decoding: page).entries))
            try replay.advance(through: 1)
        }
        var full = try HistoryReplay(history)
        let newestMs = try Measure.median(runs: options.runs) {
            var replay = try HistoryReplay(history)
            try replay.advance()
            full = replay
        }
        guard full.replica.text == trace.endContent else {
            throw BenchmarkFailure("the replayed history (\(history.entries.count) entries, \(full.replica.count) scalars) does not end with the trace's text (\(ops.count) batches, \(trace.endContent.unicodeScalars.count) scalars)")
        }
        let blameMs = Measure.median(runs: options.runs) { _ = HistoryFormat.blame(Blame(full)) }
        return [
            ("trace", "\"\(trace.name)\""), ("batches", "\(ops.count)"), ("history_entries", "\(historyEntries)"),
            ("store_bytes_with_history", "\(withHistory)"), ("store_bytes_snapshot_and_log", "\(withoutHistory)"),
            ("ratio", Measure.figure(Double(withHistory) / Double(max(1, withoutHistory)))),
            ("history_page_bytes", "\(page.count)"), ("store_read_ms", Measure.figure(readMs)), ("decode_ms", Measure.figure(decodeMs)), ("at_oldest_ms", Measure.figure(oldestMs)),
            ("at_newest_ms", Measure.figure(newestMs)), ("blame_ms", Measure.figure(blameMs)),
            ("at_oldest_relay_ms", Measure.figure(oldestRelayMs)), ("at_oldest_command_ms", Measure.figure(oldestCommandMs)),
            ("whole_history_relay_ms", Measure.figure(wholeRelayMs)),
        ]
    }

    /// Blame of a synthetic document of `blameMegabytes` MB: decoding, replay, blame, all four;
    /// then all of it through a relay, in this process and as `weft blame` takes it.
    func syntheticFields() async throws -> [(String, String)] {
        let (big, bigBytes) = try Self.syntheticHistory(megabytes: blameMegabytes)
        let bigPage = HistoryPage(floor: 0, more: false, entries: big.entries).encoded()
        let bigDecodeMs = try Measure.median(runs: options.runs) { _ = try HistoryPage(decoding: bigPage) }
        var bigReplay = try HistoryReplay(big)
        let bigReplayMs = try Measure.median(runs: options.runs) {
            var replay = try HistoryReplay(big)
            try replay.advance()
            bigReplay = replay
        }
        var bigLines = 0
        let bigBlameMs = Measure.median(runs: options.runs) {
            let blame = Blame(bigReplay)
            bigLines = blame.lineCount
            _ = HistoryFormat.blame(blame)
        }
        // What `weft blame` does once the relay's page has arrived: decode, replay, blame, print.
        let bigTotalMs = try Measure.median(runs: options.runs) {
            var replay = try HistoryReplay(DocumentHistory(floor: 0, entries: try HistoryPage(decoding: bigPage).entries))
            try replay.advance()
            _ = HistoryFormat.blame(Blame(replay))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weft-bench-blame-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await Self.store(big, as: "big", in: directory)
        let (bigRelayMs, bigCommandMs) = try await Self.served(directory) { relay in
            (try await Self.readMilliseconds(of: "big", bound: .none, from: relay, runs: options.runs) { _ = HistoryFormat.blame(Blame($0)) },
             try Self.commandMilliseconds(["blame", "ws://127.0.0.1:\(relay.port)/big"], runs: options.runs))
        }
        return [
            ("big_bytes", "\(bigBytes)"), ("big_batches", "\(big.entries.count)"), ("big_lines", "\(bigLines)"),
            ("big_decode_ms", Measure.figure(bigDecodeMs)), ("big_replay_ms", Measure.figure(bigReplayMs)),
            ("big_blame_ms", Measure.figure(bigBlameMs)), ("big_total_ms", Measure.figure(bigTotalMs)),
            ("big_relay_total_ms", Measure.figure(bigRelayMs)), ("big_blame_command_ms", Measure.figure(bigCommandMs)),
        ]
    }

    /// The store's size with its history, and after dropping the history (what a relay of the
    /// previous version keeps: snapshot and log), each after VACUUM; and the entries the history keeps.
    static func sizes(_ file: URL) throws -> (Int, Int, Int) {
        let database = try DatabaseQueue(path: file.path)
        func size() throws -> Int {
            try database.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
            return try database.read { db in try Int.fetchOne(db, sql: "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")! }
        }
        let rows = try database.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM history) + (SELECT coalesce(sum(entry_count), 0) FROM history_packs)")!
        }
        let with = try size()
        try database.write { db in try db.execute(sql: "DELETE FROM history; DELETE FROM history_packs") }
        return (with, try size(), rows)
    }

    /// About `megabytes` MB of text typed by four people in 1 KiB batches at random places, as
    /// lines of 64 characters, each person in step with the others.
    static func syntheticHistory(megabytes: Int) throws -> (DocumentHistory, Int) {
        var random = SeededGenerator(seed: 42)
        var document = Replica(replicaID: ReplicaID(99))
        var entries: [HistoryEntry] = []
        let line = String(repeating: "abcdefghijklmnopqrstuvwxyz0123456789 ", count: 2).prefix(63) + "\n"
        let chunk = String(repeating: String(line), count: 16)
        let users = ["ana", "bo", "cy", "dee"]
        var counters = [UInt32](repeating: 0, count: 4)
        for index in 0..<(megabytes << 20) / chunk.utf8.count {
            let who = index % 4
            let lines = document.count / 64
            let position = lines == 0 ? 0 : Int.random(in: 0...lines, using: &random) * 64
            // The batch as replica `who`, in step with the document, would make it.
            let op = try Self.insertion(chunk, at: position, by: ReplicaID(UInt64(who + 1)), counter: &counters[who], in: document)
            _ = try document.apply(op)
            entries.append(HistoryEntry(serverSeq: UInt64(index + 1), replica: ReplicaID(UInt64(who + 1)), clientSeq: UInt64(index / 4 + 1),
                                        author: BatchAuthor(name: users[who], verified: true), committedAt: UInt64(index) * 1_000, ops: OpCodec.encode([op])))
        }
        return (DocumentHistory(floor: 0, entries: entries), document.count)
    }

    /// An insertion of `text` at `position` of `document` with the ids `replica` would give it.
    static func insertion(_ text: String, at position: Int, by replica: ReplicaID, counter: inout UInt32, in document: Replica) throws -> Op {
        let left = position == 0 ? nil : document.id(at: position - 1)
        let right = position == document.count ? nil : document.id(at: position)
        defer { counter += UInt32(text.unicodeScalars.count) }
        return .insert(Insertion(id: CharID(replica: replica, counter: counter), originLeft: left, originRight: right, text: text))
    }
}
