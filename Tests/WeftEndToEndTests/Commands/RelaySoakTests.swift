import Foundation
import Synchronization
import Testing
import WeftCRDT
import WeftTestSupport
import WeftTestTraits
import WeftWire

/// Hundreds of hostile connections at once (slowloris, silent, garbage, deaf, unmasked,
/// oversized in fragments), wave after wave, while three `weft apply` clients type into one
/// document. Afterwards every client's text is there exactly once, the relay holds no hostile
/// connection and no more memory than before the waves, answers `/healthz`, and stops within its
/// bound on SIGTERM. `WEFT_SOAK_SECONDS` makes it longer (default 20 s of waves).
@Suite(.ownThread) struct RelaySoakTests {
    @Test func honestClientsTypeThroughWavesOfHostileConnections() async throws {
        let seconds = Double(ProcessInfo.processInfo.environment["WEFT_SOAK_SECONDS"] ?? "") ?? 20
        let root = TemporaryDirectory.path("soak")
        defer { try? FileManager.default.removeItem(at: root) }
        // Short deadlines and pings, so that hostile connections come and go within the run.
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"),
                                     extraArguments: ["--handshake-timeout", "2", "--ping-interval", "2"])
        let url = "ws://127.0.0.1:\(relay.port)/shared"
        let workload = TokenWorkload(seed: 0x50A4_0001, url: url, clients: (0..<3).map { WeftRun(home: root.appendingPathComponent("client\($0)")) })

        // Warm up, on another document: the same typing for a few rounds, and two waves of each
        // kind; the memory figure the relay must come back to is taken after that (the
        // allocator keeps what the first connections and commits made it take).
        let warmUp = TokenWorkload(seed: 0x50A4_0000, url: "ws://127.0.0.1:\(relay.port)/warm-up",
                                   clients: (0..<3).map { WeftRun(home: root.appendingPathComponent("warm-up\($0)")) })
        try await warmUp.run(until: { true })
        let warmUpCrowd = HostileCrowd(port: relay.port, document: "warm-up")
        try warmUpCrowd.wave()
        try warmUpCrowd.wave()
        #expect(RelayProcess.waitUntil(.seconds(30)) { warmUpCrowd.heldOpen == 0 }, "\(warmUpCrowd.heldOpen) warm-up connections still open")
        let startMemory = relay.residentBytes ?? 0

        let started = ContinuousClock.now
        // The run lasts `seconds` and at least the waves that open 1,000 hostile connections
        // (a machine busy with other work opens them more slowly), at most two minutes.
        let wavesDone = Mutex(false)
        let hostile = Task.detached {
            // Each wave is held while the next one comes (hundreds of hostile connections at once);
            // the last two stay held after the waves, for the relay to end by itself.
            var crowds: [HostileCrowd] = []
            var waves = 0
            while ContinuousClock.now - started < .seconds(seconds) || waves * HostileCrowd.waveSize < 1_000,
                  ContinuousClock.now - started < .seconds(120) {
                let crowd = HostileCrowd(port: relay.port, document: "shared")
                try crowd.wave()
                waves += 1
                crowds = crowds.suffix(1) + [crowd]
            }
            wavesDone.withLock { $0 = true }
            return (crowds, waves)
        }
        try await workload.run(until: { ContinuousClock.now - started >= .seconds(seconds) && wavesDone.withLock { $0 } })
        let (held, waves) = try await hostile.value
        let opened = waves * HostileCrowd.waveSize
        #expect(opened >= 1_000, "only \(opened) hostile connections in \(waves) waves")

        // The relay ends every hostile connection by itself, those still held too: the deaf ones
        // within three ping intervals, the others at once or at their 2 s deadline.
        let cleared = RelayProcess.waitUntil(.seconds(30)) { held.allSatisfy { $0.heldOpen == 0 } }
        #expect(cleared, "\(held.map(\.heldOpen).reduce(0, +)) hostile connections still open")
        #expect(relay.metrics()["weft_connections"] == 0)
        try await workload.expectConverged(direct: [url], home: root)
        #expect(relay.get("/healthz")?.status == 200)

        // Memory comes back (allocators keep some: within 10 % of the start).
        let settled = RelayProcess.waitUntil(.seconds(15)) { (relay.residentBytes ?? .max) <= startMemory + startMemory / 10 }
        #expect(settled, "resident memory \((relay.residentBytes ?? 0) >> 20) MiB, \(startMemory >> 20) MiB before the waves")

        // It stops within its bound with a fresh wave at the door.
        try HostileCrowd(port: relay.port, document: "shared").wave()
        let took = relay.stop(waitingAtMost: .seconds(10))
        #expect(took != nil && took! < .seconds(4), "stopped after \(String(describing: took)) (bound: 3 s)")
    }
}

/// Waves of hostile connections, each kind from its own loopback address (so they are other
/// people to the relay), held until the crowd goes.
final class HostileCrowd: @unchecked Sendable {
    let port: Int
    let document: String
    private var held: [AnyObject] = []
    /// Connections in one wave.
    static let waveSize = 150 + 150 + 40 + 40 + 10 + 2

    init(port: Int, document: String) {
        self.port = port
        self.document = document
    }

    func wave() throws {
        let request = Array(RawWebSocket.upgradeRequest(path: document).utf8)
        let name = try DocumentName(document)
        // Each with a replica id of its own, as separate clients have.
        func hello() -> [UInt8] {
            ClientMessage.hello(Hello(document: name, epoch: 0, replica: ReplicaID(.random(in: 1 ... .max)), lastServerSeq: 0)).encoded()
        }
        // Slowloris: part of an upgrade, then nothing. Silent: nothing at all.
        held.append(ConnectionFlood(port: port, count: 150, from: "127.0.0.2", firstBytes: Array(request.prefix(75))))
        held.append(ConnectionFlood(port: port, count: 150, from: "127.0.0.3"))
        for index in 0..<40 {
            // Garbage instead of HTTP.
            let garbage = try RawSocket(port: port, from: "127.0.0.4")
            garbage.send("GARBAGE\r\n\r\n")
            held.append(garbage)
            // Upgraded, then an unmasked hello.
            let unmasked = try RawWebSocket(port: port, path: document, from: "127.0.0.5")
            unmasked.sendBinary(hello(), masked: false)
            held.append(unmasked)
            guard index < 10 else { continue }
            // Deaf: welcomed, then never reads, however much the document changes.
            let deaf = try RawWebSocket(port: port, path: document, from: "127.0.0.6", receiveBuffer: 4_096)
            deaf.sendBinary(hello())
            held.append(deaf)
            guard index < 2 else { continue }
            // 2.6 MB in 64 KiB fragments, past the 2 MiB limit.
            let oversized = try RawWebSocket(port: port, path: document, from: "127.0.0.7")
            oversized.sendBinary(hello())
            oversized.sendFragmented([UInt8](repeating: 7, count: 2_600_000), fragment: 65_536)
            held.append(oversized)
        }
    }

    /// The crowd's connections the relay has not closed yet.
    var heldOpen: Int {
        held.reduce(0) { count, connection in
            switch connection {
            case let flood as ConnectionFlood: count + flood.open
            case let socket as RawSocket: count + (socket.isClosedByPeer ? 0 : 1)
            case let webSocket as RawWebSocket: count + (webSocket.socket.isClosedByPeer ? 0 : 1)
            default: count
            }
        }
    }
}
