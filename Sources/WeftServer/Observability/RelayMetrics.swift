import Prometheus
import Synchronization
import WeftWire

/// The relay's Prometheus metrics, served as text at `GET /metrics`. Every name starts `weft_`.
final class RelayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Open WebSocket connections (joined or not).
    let connections: Gauge
    /// Documents loaded in memory (with at least one connection, or finishing a commit).
    let openDocuments: Gauge
    /// Ops and batches committed; `rate(weft_ops_total[1m])` is ops per second.
    let ops: Counter
    let batches: Counter
    /// Ops committed per second over the last ten seconds, for a person reading `/metrics`.
    private let opsPerSecond: Gauge
    private let recentOps = Mutex(RecentCounts())
    /// From a batch arriving to its ack leaving, through the durable commit.
    let ackLatency: DurationHistogram
    /// Store transactions (group commits) and the batches in them.
    let commits: Counter
    /// WebSocket payload bytes, both directions.
    let bytesReceived: Counter
    let bytesSent: Counter

    init() {
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "weft", metricName: metric, unitName: unit, helpText: help)
        }
        connections = registry.makeGauge(descriptor: name("connections", "", "Open WebSocket connections."))
        openDocuments = registry.makeGauge(descriptor: name("open_documents", "", "Documents loaded in memory."))
        ops = registry.makeCounter(descriptor: name("ops", "total", "Ops committed to document logs."))
        batches = registry.makeCounter(descriptor: name("batches", "total", "Batches committed to document logs."))
        opsPerSecond = registry.makeGauge(descriptor: name("ops_per_second", "", "Ops committed per second, averaged over the last 10 s."))
        ackLatency = registry.makeDurationHistogram(
            descriptor: name("ack_latency", "seconds", "Time from a batch arriving to its acknowledgment being sent (includes the durable commit)."),
            buckets: [.microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                      .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1)])
        commits = registry.makeCounter(descriptor: name("commits", "total", "Store transactions committing batches (group commits)."))
        bytesReceived = registry.makeCounter(descriptor: name("received_bytes", "total", "WebSocket message bytes received."))
        bytesSent = registry.makeCounter(descriptor: name("sent_bytes", "total", "WebSocket message bytes sent."))
        let rejectedName = name("rejected_messages", "total", "Messages refused with an error message, by error code.")
        let registry = self.registry
        rejectedByCode = Dictionary(uniqueKeysWithValues: WireErrorCode.refusals.map { code in
            (code.rawValue, registry.makeCounter(descriptor: rejectedName, labels: [("code", code.rawValue)]))
        })
    }

    /// One counter per error code, made up front so every code shows (as 0) from the start.
    private let rejectedByCode: [String: Counter]

    /// Counts a message the relay refused with `code`.
    func rejected(_ code: WireErrorCode) {
        rejectedByCode[code.rawValue]?.increment()
    }
    private let start = ContinuousClock.now
    private var second: Int64 { (ContinuousClock.now - start).components.seconds }

    /// Counts one group commit of `batchCount` batches holding `count` ops.
    func committed(ops count: Int, batches batchCount: Int) {
        let second = self.second
        ops.increment(by: Int64(count))
        batches.increment(by: Int64(batchCount))
        commits.increment()
        recentOps.withLock { $0.add(count, at: second) }
    }

    /// The Prometheus text exposition, with the rolling rate brought up to date.
    func exposition() -> String {
        let second = self.second
        opsPerSecond.set(recentOps.withLock { $0.perSecond(at: second) })
        return registry.emitToString()
    }
}
