import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import NIOCore
import NIOSSL
import WeftWire

/// The relay's connections from accept to close: deadlines for every phase a client controls,
/// RFC 6455's rules, bounded queues. Everything above it (documents,
/// the protocol) sees only WebSockets that passed these checks.
final class RelayTransport: Sendable {
    let limits: TransportLimits
    let metrics: ConnectionMetrics

    /// Messages larger than this are refused by the WebSocket layer (1009); up to it, the
    /// protocol's own limit answers `too-large`.
    static let maxMessageBytes = 2 * WireLimits.maxFrameBytes

    init(_ configuration: RelayConfiguration, metrics: RelayMetrics) {
        limits = configuration.transport
        self.metrics = ConnectionMetrics(registry: metrics.registry)
    }

    /// The HTTP server: Hummingbird's HTTP/1 channel with WebSocket upgrades, in the relay's
    /// guard, in TLS when `tls` is given. `webSocket` gives the handler of each upgraded request.
    func server(tls: TLSConfiguration?,
                webSocket: @escaping @Sendable (HTTPRequest, ConnectionTransport) -> WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>)
        -> HTTPServerBuilder {
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            // Hummingbird closes HTTP connections idle this long between requests.
            http1: .init(idleTimeout: TimeAmount(limits.handshakeTimeout)),
            // Pings are the WebSocketGuard's: WSCore's wait behind data a client does not read.
            ws: .init(maxFrameSize: Self.maxMessageBytes, autoPing: .disabled)
        )
        let maxQueuedBytes = limits.maxQueuedBytes
        return HTTPServerBuilder { [self] responder in
            let http = HTTP1WebSocketUpgradeChannel(responder: responder, configuration: configuration) { request, channel, _ in
                .upgrade([:], webSocket(request, ConnectionTransport(channel: channel, maxQueuedBytes: maxQueuedBytes)))
            }
            let guarded = GuardedChannel(base: http, limits: limits, metrics: metrics,
                                         maxMessageBytes: Self.maxMessageBytes)
            guard let tls else { return guarded }
            return try TLSChannel(guarded, tlsConfiguration: tls)
        }
    }

}
