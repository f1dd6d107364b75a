/// One connection between a client and a relay: two ordered channels (messages leave in the
/// order sent, as on a TCP stream), each end closing on its own, or both cut at once.
struct Link {
    let client: Int
    let relay: Int
    let relayGeneration: Int
    var openAtClient = true
    var openAtRelay = false
    var cut = false
    /// When the last message in each direction arrives: the next one arrives no earlier.
    var lastToRelay: VirtualTime = 0
    var lastToClient: VirtualTime = 0
    /// The protocol check: the highest server sequence delivered on this link (from the hello's
    /// own, or 0 once the welcome names another epoch than the hello), and the newest snapshot's.
    var highest: UInt64
    /// The epoch the client's hello named.
    let helloEpoch: UInt64
    var snapshotSeq: UInt64 = 0
}
