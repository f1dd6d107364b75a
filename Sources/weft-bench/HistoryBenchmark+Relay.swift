import Foundation
import WeftCRDT
import WeftServer
import WeftSync
import WeftTestSupport
import WeftWire

/// What a person waits for: history commands run as `weft` processes against a relay serving the
/// store, and the same reads made in this process (without the process's start).
extension HistoryBenchmark {
    /// Runs `body` with a relay (the `weft` beside this benchmark) serving `directory`'s store.
    static func served<T>(_ directory: URL, _ body: (RelayProcess) async throws -> T) async throws -> T {
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--accept-lost-store"], executable: BenchmarkWeft.url)
        defer { relay.kill() }
        return try await body(relay)
    }

    /// The median wall time of `runs` runs of `weft ARGUMENTS` with a home of its own, its output
    /// written to /dev/null (as `weft blame DOC > /dev/null`: reading it here would take this
    /// machine's other core from it); the run must succeed.
    static func commandMilliseconds(_ arguments: [String], runs: Int) throws -> Double {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("weft-bench-home-\(UUID())")
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ProcessInfo.processInfo.environment
        environment["WEFT_HOME"] = home.path
        var failure: String?
        let milliseconds = try Measure.median(runs: runs) {
            let errors = Pipe()
            let child = try ChildProcess(BenchmarkWeft.url, arguments: arguments, environment: environment,
                                         standardInput: .null, standardOutput: .null, standardError: .pipe(errors))
            let words = errors.fileHandleForReading.readDataToEndOfFile()
            child.waitUntilExit()
            if child.terminationStatus != 0 {
                failure = "weft \(arguments.joined(separator: " ")) exited \(child.terminationStatus): \(String(decoding: words, as: UTF8.self))"
            }
        }
        if let failure { throw BenchmarkFailure(failure) }
        return milliseconds
    }

    /// The median time of `runs` reads of `bound` of `name`'s history from `relay`, each replayed.
    static func readMilliseconds(of name: String, bound: HistoryBound, from relay: RelayProcess, runs: Int,
                                 then finish: (HistoryReplay) -> Void = { _ in }) async throws -> Double {
        let address = try DocumentAddress(parsing: "ws://127.0.0.1:\(relay.port)/\(name)", defaultServer: "127.0.0.1:\(relay.port)")
        var times: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            let (replay, _) = try await HistoryReplay.read(HistoryPages(of: address, bound: bound, token: "", caFile: nil))
            finish(replay)
            times.append(Measure.milliseconds(ContinuousClock.now - start))
        }
        return times.sorted()[times.count / 2]
    }

    /// Commits `history`'s entries to a new SQLite store in `directory` as document `name`, each
    /// replica bound to its entries' author, 100 batches a commit.
    static func store(_ history: DocumentHistory, as name: String, in directory: URL) async throws {
        let store = try SQLiteStore(directory: directory)
        let document = try DocumentName(name)
        _ = try await store.open(document)
        var bound: Set<ReplicaID> = []
        for entry in history.entries where !bound.contains(entry.replica) {
            if let author = entry.author { _ = try await store.bindAuthor(entry.replica, in: document, to: author) }
            bound.insert(entry.replica)
        }
        for start in stride(from: 0, to: history.entries.count, by: 100) {
            let group = history.entries[start..<min(history.entries.count, start + 100)]
            _ = try await store.commit(group.map { PendingBatch(replica: $0.replica, clientSeq: $0.clientSeq, ops: $0.ops) }, to: document)
        }
        await store.close()
    }
}
