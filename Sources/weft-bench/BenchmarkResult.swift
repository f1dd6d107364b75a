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
    /// Whether the final text is the trace's own end text (merges only).
    var endContent: Bool?

    var json: String {
        let number = Measure.figure
        return "{\"trace\":\"\(trace)\",\"mode\":\"\(mode)\",\"edits\":\(edits),\"ms\":\(number(ms)),\"ok\":\(ok)"
            + ",\"final_len\":\(finalLength),\"snapshot_bytes\":\(snapshotBytes),\"load_ms\":\(number(loadMs))"
            + ",\"heap_bytes\":\(heapBytes),\"runs\":\(runs)"
            + (endContent.map { ",\"end_content\":\($0)" } ?? "") + "}"
    }
}
