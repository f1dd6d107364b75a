import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import Synchronization
import WeftWire

/// How `weft serve` runs.
public struct RelayConfiguration: Sendable {
    /// The address to listen on; port 0 picks a free port (printed when listening).
    public var host: String
    public var port: Int
    /// Where the store and the secret live.
    public var dataDirectory: URL
    /// Every hello needs a valid token. Always on when `host` is not a loopback address.
    public var requireAuth: Bool

    public init(host: String, port: Int, dataDirectory: URL, requireAuth: Bool) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.requireAuth = requireAuth
    }

    /// Whether clients can only come from this machine.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// The relay: HTTP (`/healthz`) and WebSocket documents (`ws://HOST:PORT/NAME`) on one port.
public enum Relay {
    /// Runs until the process is stopped. `onListening` gets the bound port once it listens.
    public static func run(_ configuration: RelayConfiguration, logger: Logger,
                           onListening: @escaping @Sendable (Int) -> Void) async throws {
        let store = try SQLiteStore(directory: configuration.dataDirectory)
        let signer = TokenSigner(secret: try ServerSecret.loadOrCreate(in: configuration.dataDirectory))
        let registry = RoomRegistry(store: store, logger: logger)
        let requireAuth = configuration.requireAuth || !configuration.isLoopback
        let connectionIDs = Atomic<UInt64>(0)

        let router = Router()
        router.get("healthz") { _, _ in
            // Healthy means the store answers.
            _ = try await store.entries(of: try DocumentName("healthz"), after: 0, limit: 1)
            return "ok\n"
        }
        let server = HTTPServerBuilder.http1WebSocketUpgrade(
            configuration: .init(ws: .init(maxFrameSize: 2 * WireLimits.maxFrameBytes))
        ) { request, _, _ in
            let path = request.path ?? "/"
            let id = connectionIDs.add(1, ordering: .relaxed).newValue
            let connection = RelayConnection(registry: registry, store: store, signer: signer, requireAuth: requireAuth,
                                             logger: logger, id: id)
            return .upgrade([:]) { inbound, outbound, _ in
                try await connection.serve(path: path, inbound: inbound, outbound: outbound)
            }
        }
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "weft"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
        try await app.runService()
    }
}
