import Foundation
import Synchronization
import Testing
import WeftCRDT
import WeftTestSupport
import WeftTestTraits
import WeftWire

/// The phases a client controls have deadlines, and RFC 6455 holds: raw sockets against a relay
/// on 127.0.0.1, doing what no honest client does.
@Suite(.ownThread) struct RelayTransportTests {
    static func hello(_ replica: UInt64, document: String = "notes") throws -> [UInt8] {
        ClientMessage.hello(Hello(document: try DocumentName(document), epoch: 0, replica: ReplicaID(replica), lastServerSeq: 0)).encoded()
    }

    /// A WebSocket that said hello and was welcomed.
    static func joined(_ relay: RelayProcess, replica: UInt64, from source: String? = nil, receiveBuffer: Int? = nil) throws -> RawWebSocket {
        let socket = try RawWebSocket(port: relay.port, path: "notes", from: source, receiveBuffer: receiveBuffer)
        socket.sendBinary(try hello(replica))
        guard let first = socket.nextFrame(timeout: .seconds(30)), first.opcode == 0x2,
              case .welcome? = try? ServerMessage(decoding: first.payload)
        else { throw RelayTestFailure(description: "no welcome") }
        return socket
    }

    @Test func anUnparsableRequestIsAnsweredWith400AndClosedAtOnce() throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, patientDeadlines: false)
        let socket = try RawSocket(port: relay.port)
        socket.send("GARBAGE\r\n\r\n")
        let (bytes, closed) = socket.readUntilClosed(timeout: .seconds(2))
        #expect(RelayProcess.parseAnswer(bytes)?.status == 400, "answer: \(String(decoding: bytes, as: UTF8.self))")
        #expect(closed, "still open 2 s after an unparsable request")
        #expect(relay.get("/healthz")?.status == 200)
    }

    @Test func slowAndSilentConnectionsAreClosedAtTheRequestDeadline() throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, patientDeadlines: false)
        let request = Array(RawWebSocket.upgradeRequest(path: "notes").utf8)
        var sockets: [RawSocket] = []
        for index in 0..<400 {
            let socket = try RawSocket(port: relay.port, from: "127.0.0.2")
            // Half of them send 75 bytes of an upgrade and stop (slowloris), half send nothing.
            if index.isMultiple(of: 2) { socket.send(Array(request.prefix(75))) }
            sockets.append(socket)
        }
        let started = ContinuousClock.now
        // Meanwhile an honest client is answered.
        #expect(relay.get("/healthz")?.status == 200)
        // The documented deadline is 5 s from connecting; allow 3 s for a loaded machine.
        let allClosed = RelayProcess.waitUntil(.seconds(8)) { sockets.allSatisfy(\.isClosedByPeer) }
        let open = sockets.filter { !$0.isClosedByPeer }.count
        #expect(allClosed, "\(open) of 400 connections still open \(ContinuousClock.now - started) after the last one connected")
        #expect(ContinuousClock.now - started > .seconds(3), "closed before the deadline")
    }

    @Test func aConnectionThatSendsNoHelloAfterTheUpgradeIsClosed() throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, patientDeadlines: false)
        let socket = try RawWebSocket(port: relay.port, path: "notes")
        let code = socket.closeCode(within: .seconds(8))
        #expect(code == 1008, "close code \(String(describing: code))")
        #expect(socket.socket.readUntilClosed(timeout: .seconds(3)).closed)
    }

    @Test func anUnmaskedClientFrameFailsTheConnectionWith1002() throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, patientDeadlines: false)
        let socket = try RawWebSocket(port: relay.port, path: "notes")
        socket.sendBinary(try Self.hello(0xE), masked: false)
        var code: UInt16?
        while let frame = socket.nextFrame(timeout: .seconds(5)) {
            // Nothing but the close may come: the relay must not read an unmasked hello.
            #expect(frame.opcode == 0x8, "the relay answered an unmasked frame with opcode \(frame.opcode)")
            if frame.opcode == 0x8 { code = frame.closeCode; break }
        }
        #expect(code == 1002, "close code \(String(describing: code))")
        #expect(socket.socket.readUntilClosed(timeout: .seconds(3)).closed)
    }

    @Test func aMessageOverTheLimitInSmallFragmentsIsClosedWith1009() throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        let relay = try RelayProcess(dataDirectory: directory, patientDeadlines: false)
        let socket = try Self.joined(relay, replica: 0xE)
        // 2.6 MB in 64 KiB fragments: past the 2 MiB the WebSocket layer accepts.
        socket.sendFragmented([UInt8](repeating: 7, count: 2_600_000), fragment: 65_536)
        let code = socket.closeCode(within: .seconds(10))
        #expect(code == 1009, "close code \(String(describing: code))")
        #expect(socket.socket.readUntilClosed(timeout: .seconds(3)).closed)
    }

    @Test func deafClientsAreClosedAndQuietOnesThatAnswerPingsKept() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        // Pings every 5 s: the deaf are closed after 15 s; the writer below, a client in this busy
        // test process, is never held off its reading that long.
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--ping-interval", "5"])
        // Deaf: welcomed, then never read again (so never see a ping); small receive buffers fill fast.
        let deaf = try (0..<3).map { try Self.joined(relay, replica: 0xD0 + $0, receiveBuffer: 4_096) }
        // Quiet: sends nothing, but reads all the time (on a thread of its own, so a busy test
        // machine does not make it miss pings) and answers pings.
        let quiet = try Self.joined(relay, replica: 0xC0)
        let reader = Mutex((reading: true, done: false))
        Thread.detachNewThread {
            while reader.withLock({ $0.reading }) { _ = quiet.nextFrame(timeout: .milliseconds(100)) }
            reader.withLock { $0.done = true }
        }
        defer { reader.withLock { $0.reading = false } }
        var alice = Replica(replicaID: ReplicaID(0xA))
        var (writer, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
        let started = ContinuousClock.now
        var sent = 0
        var writersClosed = 0
        // Traffic for everyone until the deaf are gone (or two minutes).
        while ContinuousClock.now - started < .seconds(120) {
            sent += 1
            do {
                try await writer.send(.batch(clientSeq: UInt64(sent), ops: [try alice.insert(String(repeating: "x", count: 2_000), at: 0)!]))
            } catch {
                // This writer, an in-process client, was held off its pings on a loaded machine:
                // it is not what is tested here; another takes its place.
                writersClosed += 1
                alice = Replica(replicaID: ReplicaID(0xA0 + UInt64(writersClosed)))
                (writer, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
                sent = 0
                continue
            }
            _ = await writer.receive(timeout: .seconds(5))
            if sent.isMultiple(of: 20), relay.metrics()["weft_connections"] == 2 { break }
        }
        #expect(relay.metrics()["weft_connections"] == 2, "deaf connections still held \(ContinuousClock.now - started) after they stopped reading")
        #expect((relay.metrics()["weft_closed_connections_total{reason=\"ping-timeout\"}"] ?? 0) >= 3, "the three deaf, and any writer replaced: \(writersClosed)")
        // The quiet one, which answers pings, is still there.
        reader.withLock { $0.reading = false }
        #expect(RelayProcess.waitUntil(.seconds(5)) { reader.withLock { $0.done } })
        #expect(!quiet.socket.isClosedByPeer, "a client that answers pings was closed")
        _ = deaf
        await writer.close()
    }
}

extension RelayTransportTests {
    @Test func aReaderThatStopsReadingIsDisconnectedOnceItsQueuePassesItsByteBound() async throws {
        let directory = TemporaryDirectory.path("relay")
        defer { try? FileManager.default.removeItem(at: directory) }
        // Pings must not be what ends the slow reader here.
        let relay = try RelayProcess(dataDirectory: directory, extraArguments: ["--ping-interval", "600", "--max-queued-mib", "1"])
        let slow = try Self.joined(relay, replica: 0xB, receiveBuffer: 4_096)
        var alice = Replica(replicaID: ReplicaID(0xA))
        let (writer, _, _) = try await RelayTests.join(relay, replica: alice.replicaID)
        // 20 batches of 470 KB, 9.4 MB: past the 1 MiB bound and what the sockets' buffers hold.
        let text = String(repeating: "x", count: 470_000)
        for clientSeq in 1...20 {
            try await writer.send(.batch(clientSeq: UInt64(clientSeq), ops: [try alice.insert(text, at: 0)!]))
        }
        var acked: UInt64 = 0
        while acked < 20, let message = await writer.receive(timeout: .seconds(60)) {
            if case .ack(let clientSeq, _) = message { acked = clientSeq }
        }
        #expect(acked == 20, "the writer was held up: \(acked) of 20 batches acknowledged")
        let metrics = relay.metrics()
        #expect(metrics["weft_closed_connections_total{reason=\"slow-reader\"}"] == 1)
        #expect(metrics["weft_connections"] == 1, "the slow reader is still connected")
        // What reached its socket before the relay gave up on it, then the end.
        #expect(slow.socket.readUntilClosed(timeout: .seconds(10)).closed)
        await writer.close()
    }
}
