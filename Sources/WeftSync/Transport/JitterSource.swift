/// Where a session draws the jitter of its retry backoff (0…1): random by default, so clients cut
/// off together do not all come back in the same instant; seeded in tests, so a retry lands at a
/// known time.
public struct JitterSource: Sendable {
    private var state: UInt64?

    /// Jitter from the system's random source.
    public static var random: JitterSource { JitterSource(state: nil) }

    /// The same jitter sequence for the same `seed` (SplitMix64). A session draws one for every
    /// event it handles (the machine uses it only when it schedules a retry), so the same seed
    /// and the same events give the same backoffs.
    public static func seeded(_ seed: UInt64) -> JitterSource { JitterSource(state: seed) }

    private init(state: UInt64?) { self.state = state }

    /// The next jitter, in 0…1.
    public mutating func next() -> Double {
        guard var z = state else { return .random(in: 0...1) }
        z &+= 0x9E37_79B9_7F4A_7C15
        state = z
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
