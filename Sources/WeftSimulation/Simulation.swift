import Foundation
import WeftCRDT
import WeftServer
import WeftSync
import WeftTestSupport
import WeftWire

/// The whole system in one process: clients and relays sharing one store, on a virtual clock,
/// every choice drawn from one seeded generator, and invariants checked as it runs. A run is a
/// function of its options: the same seed gives the same events, the same failure.
public final class Simulation {
    public let options: SimulationOptions
    var random: SeededGenerator
    var now: VirtualTime = 0
    var events = EventQueue()
    var step = 0
    var healedAt: VirtualTime?
    var clients: [SimClient] = []
    var relays: [SimRelay] = []
    var store: MemoryStoreState
    var links: [UInt64: Link] = [:]
    var nextLink: UInt64 = 1
    var partitioned: Set<Int> = []
    let document = try! DocumentName("simulated")
    let root: URL
    var recent: [String] = []
    var report = SimulationReport()
    var violation: String?
    /// The log as committed, never compacted, and what the simulator knows was typed.
    var ledger = Ledger()
    /// Backups of the store taken along the way, with the log each held, newest last.
    var backups: [StoreBackup] = []

    /// - Parameter directory: where the clients' queue files go (a RAM disk is fastest).
    public init(options: SimulationOptions, directory: URL? = nil) throws {
        self.options = options
        random = SeededGenerator(seed: options.seed)
        store = MemoryStoreState(epochSeed: options.seed)
        let base = directory ?? Self.scratchDirectory()
        root = base.appendingPathComponent("weft-sim-\(options.seed)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for index in 0..<options.relays {
            let every = UInt64(Int.random(in: 10...300, using: &random))
            relays.append(SimRelay(index: index, compaction: CompactionPolicy(every: every, keep: UInt64(Int.random(in: 0...40, using: &random)))))
        }
        for index in 0..<(options.clients + options.readOnlyClients) {
            let directory = root.appendingPathComponent("client-\(index)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            clients.append(SimClient(index: index, readOnly: index >= options.clients, directory: directory))
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// /dev/shm when there is one: the queue fsyncs on every edit, which a RAM disk makes free.
    static func scratchDirectory() -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: "/dev/shm")
        }
        return FileManager.default.temporaryDirectory
    }

    /// Runs the faults and workload for `options.steps` events, heals everything, and waits for
    /// every client to settle; checks the invariants throughout.
    /// - Throws: `SimulationFailure` for the first invariant that breaks.
    public func run() throws(SimulationFailure) -> SimulationReport {
        for client in clients {
            // Most clients are there from the start; a few are brand new later on.
            let late = client.index > 0 && chance(0.25)
            schedule(.clientStarts(client: client.index), after: late ? .milliseconds(int(1_000...60_000)) : .milliseconds(int(0...500)))
        }
        schedule(.workload, after: .milliseconds(int(1...100)))
        if options.faults { schedule(.fault, after: .milliseconds(int(100...2_000))) }
        while let (time, event) = events.pop() {
            now = time
            step += 1
            handle(event)
            if step % 256 == 0 { checkReplicas() }
            try check()
            if healedAt == nil, step >= options.steps { heal() }
            if let healedAt {
                if isSettled {
                    report.settleNanoseconds = now - healedAt
                    break
                }
                if now - healedAt > VirtualTime(options.settleBound) {
                    fail("liveness: not settled \(options.settleBound) after healing: \(unsettled)")
                    try check()
                }
            }
        }
        if healedAt == nil || !isSettled {
            fail("liveness: the simulation ran out of events before every client settled: \(unsettled)")
        }
        finalChecks()
        try check()
        report.steps = step
        report.virtualNanoseconds = now
        for client in clients where client.running { report.clientNanoseconds += now - client.startedAt }
        return report
    }

    /// Stops every fault: the store answers, partitions heal, and everything killed starts again.
    func heal() {
        healedAt = now
        record("heal: faults and workload stop; everything must settle")
        store.unavailable = nil
        partitioned = []
        for relay in relays where !relay.alive { restart(relay: relay.index) }
        for client in clients where !client.running { startClient(client.index) }
    }

    func schedule(_ event: WorldEvent, after delay: VirtualTime) {
        events.push(event, at: now + delay)
    }

    func handle(_ event: WorldEvent) {
        switch event {
        case .linkOpened(let link): linkOpened(link)
        case .toRelay(let link, let bytes): deliverToRelay(link, bytes)
        case .toClient(let link, let bytes): deliverToClient(link, bytes)
        case .closedAtClient(let link, let reason): closedAtClient(link, reason: reason)
        case .closedAtRelay(let link): closedAtRelay(link)
        case .retryDue(let index, let token):
            let client = clients[index]
            guard client.running, token == client.retryToken else { return }
            feed(client, .retryDue)
        case .connectDeadline(let index, let link):
            let client = clients[index]
            guard client.running, client.link == link else { return }
            feed(client, .connectDeadlinePassed)
        case .clientRestarts(let index), .clientStarts(let index):
            if !clients[index].running { startClient(index) }
        case .storeOperation(let relay, let generation, let action): storeOperation(relay: relay, generation: generation, action)
        case .notified(let index, let generation, let head):
            let relay = relays[index]
            guard relay.alive, relay.generation == generation, relay.room != nil else { return }
            feed(relay, .storeAdvanced(head: head))
        case .relayRestarts(let index):
            if !relays[index].alive { restart(relay: index) }
        case .workload:
            guard healedAt == nil else { return }
            if chance(0.1) { movePresence() } else { edit() }
            schedule(.workload, after: .milliseconds(int(2...250)))
        case .fault:
            guard healedAt == nil else { return }
            injectFault()
            schedule(.fault, after: .milliseconds(int(50...3_000)))
        case .storeBack:
            if store.unavailable != nil { record("the store answers again") }
            store.unavailable = nil
        case .partitionHeals(let client):
            partitioned.remove(client)
        }
    }

    // MARK: Randomness (every choice comes from the one seed)

    func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }
    var jitter: Double { Double.random(in: 0...1, using: &random) }

    /// One message's time on the wire: usually short, sometimes long (a congested link).
    func latency() -> VirtualTime {
        if options.faults, healedAt == nil, chance(0.03) { return .milliseconds(int(100...3_000)) }
        return VirtualTime(int(100_000...15_000_000))
    }

    // MARK: The event log and failures

    func record(_ line: @autoclosure () -> String) {
        if recent.count >= 400 { recent.removeFirst(100) }
        recent.append("\(now.formatted) #\(step) \(line())")
    }

    func fail(_ what: String) {
        if violation == nil { violation = what }
    }

    func check() throws(SimulationFailure) {
        guard let violation else { return }
        throw SimulationFailure(options: options, step: step, time: now.formatted, violation: violation, events: recent)
    }
}
