import HummingbirdCore
import Logging
import NIOCore

/// Wraps Hummingbird's HTTP/WebSocket child channel with the relay's deadlines. Each accepted
/// connection gets a `RequestDeadlineHandler` in front of the HTTP handlers and an
/// `HTTPStageHandler` behind them, which hands the connection to a `WebSocketGuard` when it
/// upgrades. With TLS, `TLSChannel` wraps this one, so the deadline covers the handshake and
/// the answers written here are encrypted.
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let limits: TransportLimits
    let metrics: ConnectionMetrics
    /// The size bound the `WebSocketGuard` enforces on messages.
    let maxMessageBytes: Int

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let deadline = RequestDeadlineHandler(timeout: limits.handshakeTimeout, metrics: metrics)
        do {
            try channel.pipeline.syncOperations.addHandler(deadline)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let guardLimits = WebSocketGuard.Limits(helloTimeout: limits.handshakeTimeout, pingInterval: limits.pingInterval,
                                                maxMessageBytes: maxMessageBytes)
        let metrics = self.metrics
        return base.setup(channel: channel, logger: logger).hop(to: channel.eventLoop).assumeIsolated().flatMapThrowing { value in
            let stage = HTTPStageHandler(deadline: deadline, metrics: metrics) { WebSocketGuard(limits: guardLimits, metrics: metrics) }
            try channel.pipeline.syncOperations.addHandler(stage)
            return value
        }.nonisolated()
    }

    func handle(value: Value, logger: Logger) async {
        // Hummingbird logs an error for every connection closed before its upgrade completed,
        // which here means every connection the deadlines closed: a line per slowloris socket.
        // What clients did wrong is counted in /metrics (weft_closed_connections_total); the
        // lines show at debug level.
        var quiet = logger
        if logger.logLevel > .debug { quiet.logLevel = .critical }
        await base.handle(value: value, logger: quiet)
    }
}
