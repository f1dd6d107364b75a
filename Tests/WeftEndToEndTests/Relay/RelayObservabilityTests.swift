import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOSSL
import Testing
import WeftCRDT
import WeftServer
import WeftTestSupport
import WeftWire

/// `/metrics` counts what happened, and `--tls-cert/--tls-key` serve wss.
@Suite struct RelayObservabilityTests {
    static func metrics(_ relay: RelayProcess) async throws -> [String: Double] {
        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(relay.port)/metrics")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        var values: [String: Double] = [:]
        for line in String(decoding: body, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        return values
    }

    /// The metrics once `condition` holds for them (polled; 30 s at most).
    static func waitForMetrics(_ relay: RelayProcess, _ what: String, _ condition: ([String: Double]) -> Bool) async throws -> [String: Double] {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let values = try await metrics(relay)
            if condition(values) { return values }
            guard ContinuousClock.now < deadline else { throw RelayTestFailure(description: "timed out waiting for \(what): \(values)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func metricsCountConnectionsOpsAndRefusals() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--keep-open", "4"])
        var alice = Replica(replicaID: ReplicaID(0xA))
        let (client, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
        try await RelayCompactionTests.write(5, from: &alice, on: client)
        let (reader, _, _) = try await RelayTests.join(relay, replica: ReplicaID(0xB), readOnly: true)
        try await reader.send(.batch(clientSeq: 1, ops: [.insert(Insertion(id: CharID(replica: ReplicaID(0xB), counter: 0), originLeft: nil, originRight: nil, text: "no"))]))
        _ = await reader.receive()
        let hostile = try await RelayTestClient(port: relay.port, path: "notes")
        try await hostile.sendRaw(.binary(.init(bytes: [0x7F])))
        #expect(await hostile.closes())

        let live = try await Self.metrics(relay)
        #expect(live["weft_connections"] == 2)
        #expect(live["weft_open_documents"] == 1)
        #expect(live["weft_ops_total"] == 5 && live["weft_batches_total"] == 5)
        #expect(live["weft_ack_latency_seconds_count"] == 5)
        #expect(live["weft_rejected_messages_total{code=\"read-only\"}"] == 1)
        #expect(live["weft_rejected_messages_total{code=\"malformed\"}"] == 1)
        #expect(live["weft_rejected_messages_total{code=\"unauthorized\"}"] == 0)
        #expect((live["weft_received_bytes_total"] ?? 0) > 0 && (live["weft_sent_bytes_total"] ?? 0) > 0)

        await client.close()
        await reader.close()
        let left = try await Self.waitForMetrics(relay, "the clients gone") { $0["weft_connections"] == 0 }
        #expect(left["weft_open_documents"] == 1, "kept loaded for --keep-open after the last client left")
        _ = try await Self.waitForMetrics(relay, "the document unloaded after --keep-open") { $0["weft_open_documents"] == 0 }
    }

    @Test func tlsServesWSSWithTheGivenCertificate() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = try TestCertificate(in: directory)
        let relay = try RelayProcess(dataDirectory: directory.appendingPathComponent("relay"), extraArguments: certificate.relayArguments)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate.certificate.path))
        let client = try await RelayTestClient(port: relay.port, path: "notes", tls: tls)
        try await client.send(.hello(Hello(document: try DocumentName("notes"), epoch: 0, replica: ReplicaID(1), lastServerSeq: 0)))
        guard case .welcome? = await client.receive() else { Issue.record("no welcome over wss"); return }
        await client.close()

        // A client that does not trust the certificate gets nowhere.
        await #expect(throws: (any Error).self) {
            let untrusting = try await RelayTestClient(port: relay.port, path: "notes", tls: .makeClientConfiguration())
            try await untrusting.send(.hello(Hello(document: try DocumentName("notes"), epoch: 0, replica: ReplicaID(2), lastServerSeq: 0)))
        }
    }
}
