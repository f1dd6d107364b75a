import HummingbirdCore
import Logging
import NIOCore

/// Wraps Hummingbird's HTTP/WebSocket child channel with the relay's admission and deadlines.
/// Each accepted connection is counted against the limits (a refusal is a plain 503, then
/// closed) and gets a `RequestDeadlineHandler` in front of the HTTP handlers and an
/// `HTTPStageHandler` behind them, which hands the connection to a `WebSocketGuard` when it
/// upgrades. With TLS, `TLSChannel` wraps this one, so the deadline covers the handshake and
/// the answers written here are encrypted.
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    /// A connection set up for Hummingbird, or one refused (answered and closed by the
    /// `RequestDeadlineHandler` once active, with nothing else to run).
    enum Value: ServerChildChannelValue {
        case served(Base.Value)
        case refused(any Channel)

        var channel: any Channel {
            switch self {
            case .served(let value): value.channel
            case .refused(let channel): channel
            }
        }
    }

    let base: Base
    let connections: OpenConnections
    let limits: TransportLimits
    let metrics: ConnectionMetrics
    /// The size bound the `WebSocketGuard` enforces on messages.
    let maxMessageBytes: Int

    /// Receive buffers from 512 bytes (NIO's default starts at 2,048), doubling up to 64 KiB
    /// while reads fill them.
    static var receiveBuffers: AdaptiveRecvByteBufferAllocator { AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65_536) }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let refusal = connections.admit(channel)
        let deadline = RequestDeadlineHandler(
            timeout: limits.handshakeTimeout, metrics: metrics,
            refusal: refusal.map { .refused($0, limit: $0 == .perAddress ? connections.limitPerAddress ?? 0 : connections.limit) })
        do {
            try channel.pipeline.syncOperations.addHandler(deadline)
            // A connection keeps its receive buffer between reads: most connections are readers
            // that send a hello and then little, so it starts small and grows with what arrives.
            try channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: Self.receiveBuffers)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        if let refusal {
            metrics.count(refusal)
            // Set up, not failed: a channel whose setup fails is never registered, so it would
            // neither get its answer nor be closed.
            return channel.eventLoop.makeSucceededFuture(.refused(channel))
        }
        let guardLimits = WebSocketGuard.Limits(helloTimeout: limits.handshakeTimeout, pingInterval: limits.pingInterval,
                                                maxMessageBytes: maxMessageBytes)
        let metrics = self.metrics
        return base.setup(channel: channel, logger: logger).hop(to: channel.eventLoop).assumeIsolated().flatMapThrowing { value in
            let stage = HTTPStageHandler(deadline: deadline, metrics: metrics) { WebSocketGuard(limits: guardLimits, metrics: metrics) }
            try channel.pipeline.syncOperations.addHandler(stage)
            return Value.served(value)
        }.nonisolated()
    }

    func handle(value: Value, logger: Logger) async {
        guard case .served(let served) = value else { return }
        // Hummingbird logs an error for every connection closed before its upgrade completed,
        // which here means every connection the deadlines closed: a line per slowloris socket.
        // What clients did wrong is counted in /metrics (weft_closed_connections_total); the
        // lines show at debug level.
        var quiet = logger
        if logger.logLevel > .debug { quiet.logLevel = .critical }
        await base.handle(value: served, logger: quiet)
    }
}
