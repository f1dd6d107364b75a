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

/// Formats the benchmark's one-line JSON result.
struct BenchmarkResult {
    var trace: String
    var mode: String
    var edits: Int
    var ms: Double
    var ok: Bool
    var finalLength: Int
    var snapshotBytes: Int
    var loadMs: Double
    var heapBytes: Int
    var runs: Int

    var json: String {
        func number(_ value: Double) -> String {
            let rounded = (value * 1000).rounded() / 1000
            return String(rounded)
        }
        return "{\"trace\":\"\(trace)\",\"mode\":\"\(mode)\",\"edits\":\(edits),\"ms\":\(number(ms)),\"ok\":\(ok)"
            + ",\"final_len\":\(finalLength),\"snapshot_bytes\":\(snapshotBytes),\"load_ms\":\(number(loadMs))"
            + ",\"heap_bytes\":\(heapBytes),\"runs\":\(runs)}"
    }
}
