/// Virtual nanoseconds since the simulation began: the only clock the simulated system sees.
typealias VirtualTime = UInt64

extension VirtualTime {
    static func milliseconds(_ value: Int) -> VirtualTime { VirtualTime(value) * 1_000_000 }
    static func seconds(_ value: Int) -> VirtualTime { VirtualTime(value) * 1_000_000_000 }

    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = VirtualTime(Swift.max(0, seconds)) * 1_000_000_000 + VirtualTime(Swift.max(0, attoseconds) / 1_000_000_000)
    }

    /// As seconds with three decimals, for the event log.
    var formatted: String {
        let millis = self / 1_000_000
        let fraction = String(millis % 1000)
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }
}
