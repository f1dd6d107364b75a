import Foundation
import Testing
import WeftTestSupport
import WeftTestTraits

/// Connection limits a public relay needs: per address and in total with plain refusals, the
/// open-file limit raised and reported, and no spinning when descriptors run out. Clients that
/// should count as other people connect from other loopback addresses (127.0.0.2, …).
@Suite(.ownThread) struct RelayLimitsTests {
    @Test func connectionsArelimitedPerAddressAndInTotalWithPlainRefusals() throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--max-connections", "30", "--max-connections-per-address", "10"], patientDeadlines: false)
        // Welcomed WebSockets hold their connections past the request deadline.
        var held = try (0..<10).map { try RelayTransportTests.joined(relay, replica: 0x200 + UInt64($0), from: "127.0.0.2") }
        let refused = try RawSocket(port: relay.port, from: "127.0.0.2")
        let answer = RelayProcess.parseAnswer(refused.readUntilClosed(timeout: .seconds(5)).bytes)
        #expect(answer?.status == 503)
        #expect(answer?.body.contains("10 connections from your address") == true, "refusal: \(String(describing: answer?.body))")
        // Someone else is served meanwhile.
        #expect(relay.get("/healthz")?.status == 200)

        held += try (0..<20).map { try RelayTransportTests.joined(relay, replica: 0x300 + UInt64($0), from: $0 < 10 ? "127.0.0.3" : "127.0.0.4") }
        let full = relay.get("/healthz", from: "127.0.0.5")
        #expect(full?.status == 503)
        #expect(full?.body.contains("as many connections as it may (30)") == true, "refusal: \(String(describing: full?.body))")

        held.removeLast()
        for socket in held.suffix(1) { socket.socket.close() }
        let freed = RelayProcess.waitUntil(.seconds(5)) { relay.metrics()["weft_refused_connections_total{reason=\"per-address\"}"] != nil }
        #expect(freed, "no room for /metrics after a connection closed")
        let metrics = relay.metrics()
        #expect(metrics["weft_refused_connections_total{reason=\"per-address\"}"] == 1)
        #expect(metrics["weft_refused_connections_total{reason=\"total\"}"] ?? 0 >= 1)
    }

    @Test func theOpenFileLimitIsRaisedToTheHardLimitAndReported() throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, logLevel: "info", fileLimit: (soft: 256, hard: 4_096), patientDeadlines: false)
        #expect(relay.startupOutput.contains("open-file limit raised from 256 to 4096"), "\(relay.startupOutput)")
        #expect(relay.startupOutput.contains("connections: at most 3584"), "\(relay.startupOutput)")
        let limits = try String(contentsOfFile: "/proc/\(relay.process.processIdentifier)/limits", encoding: .utf8)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") }
        #expect(line?.split(separator: " ", omittingEmptySubsequences: true)[3] == "4096", "\(String(describing: line))")
    }

    /// 400 connections against 256 descriptors. With `--max-connections` above what the
    /// descriptors allow, accepting fails (EMFILE): the relay must pause, not spin, and serve
    /// again once the deadline has closed the idle connections. With the default limit it refuses
    /// the excess with 503 and never runs out.
    @Test(arguments: [["--max-connections", "1000"], []])
    func runningOutOfFileDescriptorsNeitherSpinsNorStopsServing(_ arguments: [String]) throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: arguments, logLevel: "warning", fileLimit: (soft: 256, hard: 256), patientDeadlines: false)
        let flood = ConnectionFlood(port: relay.port, count: 400, from: "127.0.0.2")
        defer { flood.close() }
        usleep(500_000)
        let before = relay.cpuTime ?? .zero
        let measured = ContinuousClock.now
        usleep(3_000_000)
        let used = (relay.cpuTime ?? .zero) - before
        let share = used / (ContinuousClock.now - measured)
        #expect(share < 0.3, "the relay used \(Int(share * 100))% of a core while its descriptors ran out")
        // The 5 s request deadline closes the flood's connections: honest clients get through.
        let served = RelayProcess.waitUntil(.seconds(20)) { relay.get("/healthz", timeout: .seconds(2))?.status == 200 }
        #expect(served, "/healthz unanswered")
    }
}
