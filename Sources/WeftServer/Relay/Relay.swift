import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
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
    /// PEM files of the certificate chain and private key: when set, the relay serves wss and https only.
    public var tls: (certificateChain: URL, privateKey: URL)?
    /// When document logs are folded into snapshots.
    public var compaction: CompactionPolicy
    /// Messages a connection may send per second on average (bursts of twice as many); more is `rate-limited`.
    public var messagesPerSecond: Double = 500

    public init(host: String, port: Int, dataDirectory: URL, requireAuth: Bool,
                tls: (certificateChain: URL, privateKey: URL)? = nil, compaction: CompactionPolicy = CompactionPolicy()) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.requireAuth = requireAuth
        self.tls = tls
        self.compaction = compaction
    }

    /// Whether clients can only come from this machine.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// The relay: HTTP (`/healthz`, `/metrics`) and WebSocket documents (`ws://HOST:PORT/NAME`) on one port.
public enum Relay {
    /// Runs until the process is stopped. `onListening` gets the bound port once it listens.
    public static func run(_ configuration: RelayConfiguration, logger: Logger,
                           onListening: @escaping @Sendable (Int) -> Void) async throws {
        let store = try SQLiteStore(directory: configuration.dataDirectory)
        let signer = TokenSigner(secret: try ServerSecret.loadOrCreate(in: configuration.dataDirectory))
        let metrics = RelayMetrics()
        let registry = RoomRegistry(store: store, logger: logger, metrics: metrics, compaction: configuration.compaction)
        let requireAuth = configuration.requireAuth || !configuration.isLoopback
        let connectionIDs = Atomic<UInt64>(0)

        let router = Router()
        router.get("healthz") { _, _ in
            // Healthy means the store answers.
            _ = try await store.entries(of: try DocumentName("healthz"), after: 0, limit: 1)
            return "ok\n"
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        var server = HTTPServerBuilder.http1WebSocketUpgrade(
            configuration: .init(ws: .init(maxFrameSize: 2 * WireLimits.maxFrameBytes))
        ) { request, _, _ in
            let path = request.path ?? "/"
            let id = connectionIDs.add(1, ordering: .relaxed).newValue
            let connection = RelayConnection(registry: registry, store: store, signer: signer, requireAuth: requireAuth,
                                             messagesPerSecond: configuration.messagesPerSecond,
                                             logger: logger, metrics: metrics, id: id)
            return .upgrade([:]) { inbound, outbound, _ in
                try await connection.serve(path: path, inbound: inbound, outbound: outbound)
            }
        }
        if let tls = configuration.tls {
            server = try .tls(server, tlsConfiguration: try Self.tlsConfiguration(tls))
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

    private static func tlsConfiguration(_ files: (certificateChain: URL, privateKey: URL)) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain.path)
        } catch {
            throw RelayStartError("cannot read the TLS certificate chain \(files.certificateChain.path) (PEM expected): \(error)")
        }
        guard !chain.isEmpty else { throw RelayStartError("\(files.certificateChain.path) holds no PEM certificate") }
        do {
            key = try NIOSSLPrivateKey(file: files.privateKey.path, format: .pem)
        } catch {
            throw RelayStartError("cannot read the TLS private key \(files.privateKey.path) (unencrypted PEM expected): \(error)")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
