import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import Synchronization
import WeftWire

/// The relay's connections from accept to close: limits on how many, deadlines for every phase a
/// client controls, RFC 6455's rules, and an orderly stop (`run`). Everything above it (documents,
/// the protocol) sees only WebSockets that passed these checks.
final class RelayTransport: Sendable {
    let limits: TransportLimits
    let connections: OpenConnections
    let metrics: ConnectionMetrics
    /// The open-file limit after raising it.
    let fileDescriptors: Int
    let logger: Logger
    /// HOST:PORT as given, for messages.
    let address: String
    /// The listening channel, once it listens: closed first when the relay stops.
    private let listener = Mutex<(any Channel)?>(nil)
    private let stopping = Atomic<Bool>(false)

    /// Messages larger than this are refused by the WebSocket layer (1009); up to it, the
    /// protocol's own limit answers `too-large`.
    static let maxMessageBytes = 2 * WireLimits.maxFrameBytes

    /// Raises the open-file limit and settles the connection limits under it.
    init(_ configuration: RelayConfiguration, metrics: RelayMetrics, logger: Logger) {
        limits = configuration.transport
        let (before, now) = FileDescriptorLimit.raiseToHardLimit()
        fileDescriptors = now
        let (total, perAddress) = limits.resolved(fileDescriptors: now, loopback: configuration.isLoopback)
        connections = OpenConnections(limit: total, limitPerAddress: perAddress)
        self.metrics = ConnectionMetrics(registry: metrics.registry)
        self.logger = logger
        address = configuration.host.contains(":") ? "[\(configuration.host)]:\(configuration.port)" : "\(configuration.host):\(configuration.port)"
        let raised = before < now ? "raised from \(before) to \(now)" : "\(now)"
        logger.info("open-file limit \(raised); connections: at most \(total)\(perAddress.map { ", \($0) from one address" } ?? "")")
        if total > now - TransportLimits.reservedDescriptors(of: now) {
            logger.warning("--max-connections \(total) leaves too few of the \(now) file descriptors for the store; when they run out the relay stops accepting for a moment (raise ulimit -n or lower --max-connections)")
        }
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
        let (connections, maxQueuedBytes) = (self.connections, limits.maxQueuedBytes)
        return HTTPServerBuilder { [self] responder in
            let http = HTTP1WebSocketUpgradeChannel(responder: responder, configuration: configuration) { request, channel, _ in
                .upgrade([:], webSocket(request, ConnectionTransport(channel: channel, connections: connections, maxQueuedBytes: maxQueuedBytes)))
            }
            let guarded = GuardedChannel(base: http, connections: connections, limits: limits, metrics: metrics,
                                         maxMessageBytes: Self.maxMessageBytes)
            guard let tls else { return guarded }
            return try TLSChannel(guarded, tlsConfiguration: tls)
        }
    }

    /// The server listens on `channel`: accept errors pause accepting instead of spinning.
    func listening(on channel: any Channel) async {
        listener.withLock { $0 = channel }
        // First in the pipeline: swift-nio's AcceptBackoffHandler swallows the errors it sees.
        let (fileDescriptors, logger) = (self.fileDescriptors, self.logger)
        try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(AcceptPause(fileDescriptors: fileDescriptors, logger: logger), position: .first)
        }.get()
    }

    /// Whether a stop has begun.
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    func beginStopping() { stopping.store(true, ordering: .relaxed) }

    /// Stops accepting connections.
    func stopListening() async {
        let channel = listener.withLock { $0 }
        try? await channel?.close()
    }
}
