import Prometheus

/// Connections the relay refused or cut short, by reason, in the same `/metrics` registry as
/// `RelayMetrics`: what an operator of a public relay watches for floods and misbehaving clients.
final class ConnectionMetrics: Sendable {
    /// Why a connection was refused before it was served.
    enum Refusal: String, CaseIterable, Sendable {
        /// `--max-connections` connections were open.
        case total
        /// `--max-connections-per-address` connections from the same address were open.
        case perAddress = "per-address"
        /// The relay was stopping.
        case stopping
    }

    /// Why the relay closed a connection a client was holding.
    enum Closure: String, CaseIterable, Sendable {
        /// No complete HTTP request within the handshake timeout.
        case requestTimeout = "request-timeout"
        /// An HTTP request that could not be parsed.
        case badRequest = "bad-request"
        /// No hello within the handshake timeout after the upgrade.
        case helloTimeout = "hello-timeout"
        /// Neither answered pings nor took the data waiting for it.
        case pingTimeout = "ping-timeout"
        /// Broke RFC 6455 (an unmasked frame, a continuation without a start, …).
        case protocolError = "protocol-error"
        /// A message over the size limit, whole or in fragments.
        case tooLarge = "too-large"
        /// Let more than its outbox holds wait for it.
        case slowReader = "slow-reader"
    }

    private let refused: [Refusal: Counter]
    private let closed: [Closure: Counter]

    init(registry: PrometheusCollectorRegistry) {
        let refusedName = MetricNameDescriptor(namespace: "weft", metricName: "refused_connections", unitName: "total",
                                               helpText: "Connections refused with 503 before being served, by reason.")
        refused = Dictionary(uniqueKeysWithValues: Refusal.allCases.map {
            ($0, registry.makeCounter(descriptor: refusedName, labels: [("reason", $0.rawValue)]))
        })
        let closedName = MetricNameDescriptor(namespace: "weft", metricName: "closed_connections", unitName: "total",
                                              helpText: "Connections the relay closed because of what the client did or did not do, by reason.")
        closed = Dictionary(uniqueKeysWithValues: Closure.allCases.map {
            ($0, registry.makeCounter(descriptor: closedName, labels: [("reason", $0.rawValue)]))
        })
    }

    func count(_ refusal: Refusal) { refused[refusal]?.increment() }
    func count(_ closure: Closure) { closed[closure]?.increment() }
}
