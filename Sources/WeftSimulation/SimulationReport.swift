/// What a passing run did, for the figures `weft-sim` prints.
public struct SimulationReport: Sendable {
    public var steps = 0
    /// Virtual time the run covered.
    public var virtualNanoseconds: UInt64 = 0
    /// Virtual time clients were running, summed over clients.
    public var clientNanoseconds: UInt64 = 0
    public var edits = 0
    public var batchesCommitted = 0
    public var largestPaste = 0
    public var faults: [String: Int] = [:]
    /// Virtual time from healing until every client was settled.
    public var settleNanoseconds: UInt64 = 0
    public var finalLength = 0

    public init() {}
}
