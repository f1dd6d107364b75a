import Foundation
import Testing
import WeftTestSupport

/// Three client processes edit one document concurrently through a proxy that cuts their
/// connections at random moments and splits and delays what it forwards. Afterwards every
/// replica and the relay hold the same text, and every token inserted and not deleted is in it
/// exactly once. `WEFT_FAULT_CUTS` raises the number of cuts (default 100).
@Suite struct FaultTests {
    static let seed: UInt64 = 0xFA17_0001

    @Test func editsThroughCutConnectionsConvergeExactlyOnce() async throws {
        let wantedCuts = Int(ProcessInfo.processInfo.environment["WEFT_FAULT_CUTS"] ?? "") ?? 100
        let root = TemporaryDirectory.path("fault")
        defer { try? FileManager.default.removeItem(at: root) }
        let relay = try RelayProcess(dataDirectory: root.appendingPathComponent("relay"))
        let proxy = try FaultProxy(targetPort: relay.port, seed: Self.seed, cutAfter: 30...400)
        let workload = TokenWorkload(seed: Self.seed, url: "ws://127.0.0.1:\(proxy.port)/shared",
                                     clients: (0..<3).map { WeftRun(home: root.appendingPathComponent("client\($0)")) })
        try await workload.run(until: { proxy.cuts >= wantedCuts })
        proxy.setCutting(false)
        #expect(proxy.cuts >= wantedCuts)
        try await workload.expectConverged(direct: ["ws://127.0.0.1:\(relay.port)/shared"], home: root)
    }
}
