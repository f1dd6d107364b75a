import CHeapStats

/// Wall-clock timing and heap accounting for the benchmarks.
enum Measure {
    /// Milliseconds `body` took.
    static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock()
        let elapsed = try clock.measure(body)
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
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

