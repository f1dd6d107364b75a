/// An invariant broke: what, when, and the events that led there. `weft-sim --seed` with the
/// same options replays it exactly.
public struct SimulationFailure: Error, CustomStringConvertible, Sendable {
    public let options: SimulationOptions
    public let step: Int
    public let time: String
    public let violation: String
    /// The last events before the failure, oldest first.
    public let events: [String]

    public var description: String {
        """
        simulation failed at step \(step) (\(time)): \(violation)
        replay: weft-sim --seed \(options.seed) --steps \(options.steps) --clients \(options.clients) --read-only-clients \(options.readOnlyClients) --relays \(options.relays)\(options.faults ? "" : " --no-faults") --max-paste \(options.maxPaste)
        last \(events.count) events:
        \(events.joined(separator: "\n"))
        """
    }
}
