import CHeapStats

/// Wall-clock timing and heap accounting for the benchmarks.
enum Measure {
    /// Milliseconds `body` took.
    static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        return milliseconds(try clock.measure(body))
    }

    /// `duration` in milliseconds.
    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// The `p` quantile (0…1) of ascending `sorted`, nearest rank; 0 when empty.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    /// A figure for the JSON lines: rounded to three decimals.
    static func figure(_ value: Double) -> String {
        String((value * 1000).rounded() / 1000)
    }

    /// The median of `runs` timings of `body`.
    static func median(runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs { times.append(try milliseconds(body)) }
        times.sort()
        return times[times.count / 2]
    }

    /// Bytes the C heap has handed out and not taken back (glibc `mallinfo2`: in-use bytes of the
    /// main arena plus mmapped blocks). Swift allocates through malloc, so the difference around
    /// building a value is what that value holds.
    static func heapInUse() -> Int {
        Int(weft_heap_in_use())
    }
}

