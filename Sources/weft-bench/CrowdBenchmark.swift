import ArgumentParser
import Foundation
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// `weft-bench crowd`: many people on many documents of one relay. Idle readers spread over the
/// documents, a few typists, and the figures a relay's operator sizes a machine by.
struct CrowdBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crowd",
        abstract: "Thousands of WebSocket connections over many documents on one relay: memory per connection and per document, typists' ack latency, start-to-ready time.",
        discussion: """
            Fills --documents documents of --text-kib KiB each through the relay, stops it, and measures \
            how long a new relay on that data takes to answer /healthz. Then opens one reader per document \
            (every document loaded), then the rest of --connections readers spread over them, each reading \
            its replay up to caught-up; the relay's resident memory after each step gives the memory per \
            open document and per idle connection. With all of them open, --typists writers type at --rate \
            batches a second each on one more document, and their ack latency is reported. With \
            --joiners, that many more clients join the typists' document from scratch again and again \
            while they type (each join a full replay of its --typing-text-kib KiB and of what was \
            typed), which shows whether replays hold up live traffic.
            """
    )

    @Option(help: "Idle reader connections in all.")
    var connections = 10_000

    @Option(help: "Documents the readers are spread over.")
    var documents = 1_000

    @Option(help: "KiB of text in each document before the readers come.")
    var textKib = 10

    @Option(help: "Writers typing while every reader is connected.")
    var typists = 10

    @Option(help: "Batches per second per typist.")
    var rate: Double = 10

    @Option(help: "Seconds of typing.")
    var seconds = 10

    @Option(help: "Clients joining the typists' document from scratch, one after another each, while they type.")
    var joiners = 0

    @Option(help: "KiB of text in the typists' document before they type.")
    var typingTextKib = 0

    func validate() throws {
        guard documents >= 1, connections > documents else { throw ValidationError("--connections must be more than --documents, which must be at least 1") }
        guard typists >= 1, rate > 0, seconds >= 1, textKib >= 1 else { throw ValidationError("--typists, --rate, --seconds and --text-kib must be positive") }
        guard joiners >= 0, typingTextKib >= 0 else { throw ValidationError("--joiners and --typing-text-kib cannot be negative") }
    }

    func run() async throws {
        let limit = FileDescriptorLimit.raiseToHardLimit().now
        guard limit > connections + typists + 64 else {
            throw BenchmarkFailure("this process may open \(limit) files, fewer than \(connections) connections need: raise the hard limit (ulimit -Hn) or ask for fewer")
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("weft-bench-crowd-\(UUID())")
        defer { try? FileManager.default.removeItem(at: data) }
        let weft = BenchmarkWeft.url
        // Pings every 10 minutes: the idle readers hold their sockets without reading them, and
        // the relay rightly closes clients that miss three pings while data waits for them.
        let arguments = ["--max-connections", "\(connections + typists + 100)", "--max-message-rate", "1000000", "--ping-interval", "600"]
        let names = try (0..<documents).map { try DocumentName("crowd-\($0)") }
        let text = String(repeating: "crowd text\n", count: textKib * 1024 / 11)

        var relay = try RelayProcess(dataDirectory: data, extraArguments: arguments, executable: weft)
        for (index, name) in names.enumerated() {
            try CrowdClient.fill(port: relay.port, document: name, replica: ReplicaID(UInt64(index) + 1), text: text)
        }
        let port = relay.port
        relay.kill()
        let restart = ContinuousClock.now
        relay = try RelayProcess(dataDirectory: data, port: port, extraArguments: arguments, executable: weft)
        guard RelayProcess.waitUntil(.seconds(60), { relay.get("/healthz", timeout: .seconds(2))?.status == 200 }) else {
            throw BenchmarkFailure("the relay did not answer /healthz within 60 s of starting on \(documents) documents")
        }
        let ready = ContinuousClock.now - restart
        let atStart = try Self.settledMemory(of: relay)

        // First one reader per document, which loads every document; then the other readers.
        var readers: [RawWebSocket] = []
        readers.reserveCapacity(connections)
        for index in 0..<documents {
            readers.append(try CrowdClient.join(port: port, document: names[index], replica: ReplicaID(0x1_0000_0000 + UInt64(index))))
        }
        let withDocuments = try Self.settledMemory(of: relay)
        for index in documents..<connections {
            readers.append(try CrowdClient.join(port: port, document: names[index % documents], replica: ReplicaID(0x1_0000_0000 + UInt64(index))))
        }
        let withAll = try Self.settledMemory(of: relay)
        let perConnection = Double(withAll - withDocuments) / Double(connections - documents)
        // A document's share without the reader that opened it.
        let perDocument = Double(withDocuments - atStart) / Double(documents) - perConnection

        let typing = try DocumentName("crowd-typing")
        if typingTextKib > 0 {
            try CrowdClient.fill(port: port, document: typing, replica: ReplicaID(0x3_0000_0000),
                                 text: String(repeating: "typed text\n", count: typingTextKib * 1024 / 11))
        }
        let joining = Joiners(count: joiners, port: port, document: typing, for: .seconds(seconds))
        let barrier = LoadBarrier(clients: typists)
        let load = (0..<typists).map { index in
            RelayLoadClient(url: "ws://127.0.0.1:\(port)/\(typing)", document: typing, replica: ReplicaID(0x2_0000_0000 + UInt64(index)),
                            rate: rate, window: 1, duration: .seconds(seconds),
                            phase: .seconds(Double(index) / Double(typists) / rate), barrier: barrier)
        }
        let results = try await withThrowingTaskGroup(of: RelayLoadClient.Figures.self) { group in
            for client in load { group.addTask { try await client.run() } }
            var all: [RelayLoadClient.Figures] = []
            for try await figures in group { all.append(figures) }
            return all
        }
        let joins = try joining.finish()
        let latencies = results.flatMap(\.latencies).map(Measure.milliseconds).sorted()
        let dropped = readers.filter(\.socket.isClosedByPeer).count
        for reader in readers { reader.socket.close() }

        let number = Measure.figure
        print("{\"bench\":\"crowd\",\"connections\":\(connections),\"documents\":\(documents),\"text_bytes\":\(text.utf8.count)"
              + ",\"ready_ms\":\(number(Measure.milliseconds(ready))),\"rss_start_mb\":\(number(Double(atStart) / 1_048_576))"
              + ",\"rss_all_mb\":\(number(Double(withAll) / 1_048_576))"
              + ",\"per_connection_kb\":\(number(perConnection / 1024)),\"per_document_kb\":\(number(perDocument / 1024))"
              + ",\"per_document_over_text\":\(number(perDocument / Double(text.utf8.count)))"
              + ",\"typists\":\(typists),\"rate\":\(number(rate)),\"ack_p50_ms\":\(number(Measure.percentile(latencies, 0.5)))"
              + ",\"ack_p99_ms\":\(number(Measure.percentile(latencies, 0.99))),\"ack_max_ms\":\(number(latencies.last ?? 0))"
              + ",\"joiners\":\(joiners),\"typing_text_bytes\":\(typingTextKib * 1024 / 11 * 11),\"joins\":\(joins)"
              + ",\"readers_closed_by_relay\":\(dropped)}")
        if dropped > 0 { throw BenchmarkFailure("the relay closed \(dropped) idle readers") }
    }

    /// The relay's resident memory once it has stopped moving for a moment.
    static func settledMemory(of relay: RelayProcess) throws -> Int {
        var last = relay.residentBytes ?? 0
        for _ in 0..<20 {
            Thread.sleep(forTimeInterval: 0.25)
            let now = relay.residentBytes ?? 0
            if abs(now - last) < 64 << 10 { return now }
            last = now
        }
        return last
    }
}
