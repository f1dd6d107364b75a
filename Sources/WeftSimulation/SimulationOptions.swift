/// What one simulation run does; with the same options, a run is the same run.
public struct SimulationOptions: Sendable, Equatable {
    /// Every choice (workload, delays, faults) is drawn from this seed.
    public var seed: UInt64
    /// Events processed with faults and workload before the system is healed and must settle.
    public var steps: Int
    /// Writing clients, and clients that only read.
    public var clients: Int
    public var readOnlyClients: Int
    /// Relays sharing the one store.
    public var relays: Int
    /// Whether faults are injected (cuts, partitions, kills, store outages, compactions).
    public var faults: Bool
    /// The largest paste, in characters: pastes over the protocol's batch limit are cut into
    /// several batches by the client, as the real one does.
    public var maxPaste: Int
    /// After healing, every client must be settled within this much virtual time.
    public var settleBound: Duration

    public init(seed: UInt64, steps: Int = 20_000, clients: Int = 4, readOnlyClients: Int = 1, relays: Int = 2,
                faults: Bool = true, maxPaste: Int = 3 << 20, settleBound: Duration = .seconds(240)) {
        self.seed = seed
        self.steps = steps
        self.clients = clients
        self.readOnlyClients = readOnlyClients
        self.relays = relays
        self.faults = faults
        self.maxPaste = maxPaste
        self.settleBound = settleBound
    }
}
