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
    /// Where the embedded store and the secret live.
    public var dataDirectory: URL
    /// Where documents are kept: the embedded SQLite file, or a PostgreSQL database shared with other relays.
    public var store: StoreLocation = .embedded
    /// Every hello needs a valid token. Always on when `host` is not a loopback address.
    public var requireAuth: Bool
    /// PEM files of the certificate chain and private key: when set, the relay serves wss and https only.
    public var tls: (certificateChain: URL, privateKey: URL)?
    /// When document logs are folded into snapshots.
    public var compaction: CompactionPolicy
    /// Messages a connection may send per second on average (bursts of twice as many); more is `rate-limited`.
    public var messagesPerSecond: Double = 500
    /// How long a document stays loaded after its last connection leaves.
    public var keepOpen: Duration = .seconds(10)
    /// Start on an empty embedded store where the data directory held another (its documents
    /// are known to be gone; clients give their copies back).
    public var acceptLostStore = false
    /// Deadlines and connection limits.
    public var transport = TransportLimits()
    /// How long stopping may take (SIGTERM, SIGINT) before the connections left are closed.
    public var shutdownTimeout: Duration = .seconds(3)

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
        let metrics = RelayMetrics()
        func rooms(in store: any RelayStore) -> RoomRegistry {
            RoomRegistry(store: store, logger: logger, metrics: metrics, compaction: configuration.compaction, keepOpen: configuration.keepOpen,
                         heldByteLimit: configuration.transport.maxQueuedBytes)
        }
        switch configuration.store {
        case .embedded:
            try SQLiteStore.prepareDirectory(configuration.dataDirectory)
            let lock = try DataDirectoryLock(directory: configuration.dataDirectory)
            defer { withExtendedLifetime(lock) {} }
            let store = try SQLiteStore(directory: configuration.dataDirectory, acceptLostStore: configuration.acceptLostStore)
            let registry = rooms(in: store)
            let secret: [UInt8]
            do {
                secret = try ServerSecret.loadOrCreate(in: configuration.dataDirectory)
            } catch {
                throw RelayStartError("\(error)")
            }
            try await serve(configuration, store: store, registry: registry, secret: secret, metrics: metrics, logger: logger, onListening: onListening)
            await endServices(store, logger: logger)
        case .postgres(let location):
            let store = PostgresStore(location: location, logger: logger)
            let registry = rooms(in: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await store.run(storeAdvanced: { await registry.storeAdvanced($0, to: $1) },
                                    listening: { await registry.catchUpAll() },
                                    documentGone: { name, epoch, newName in
                                        await registry.documentGone(name, epoch: epoch, farewell: DocumentsEndpoint.farewell(name, renamedTo: newName))
                                    })
                }
                defer { group.cancelAll() }
                let secret = try await waitForDatabase(store, logger: logger)
                try await serve(configuration, store: store, registry: registry, secret: secret, metrics: metrics, logger: logger, onListening: onListening)
                await endServices(store, logger: logger)
            }
        }
    }

    /// The shared secret, once PostgreSQL answers: a database that is not up yet is waited for
    /// (it may be starting with the relay); one that refuses (bad credentials, no such database) is an error.
    private static func waitForDatabase(_ store: PostgresStore, logger: Logger) async throws -> [UInt8] {
        var warned = ContinuousClock.now - .seconds(60)
        while true {
            do {
                try await store.probe()
                return try await store.sharedSecret()
            } catch {
                if let refusal = PostgresStartProblem(error) {
                    throw RelayStartError("PostgreSQL at \(store.location) refused: \(refusal); check the user, password and database in --store")
                }
                if ContinuousClock.now - warned >= .seconds(10) {
                    logger.warning("waiting for PostgreSQL", metadata: ["database": "\(store.location)", "reason": "\(PostgresStore.describe(error))"])
                    warned = .now
                }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    private static func serve(_ configuration: RelayConfiguration, store: any RelayStore, registry: RoomRegistry, secret: [UInt8],
                              metrics: RelayMetrics, logger: Logger, onListening: @escaping @Sendable (Int) -> Void) async throws {
        let revocations = RevocationList()
        try? await revocations.refresh(from: store)
        let access = AccessCheck(signer: TokenSigner(secret: secret), requireAuth: configuration.requireAuth || !configuration.isLoopback,
                                 revocations: revocations)
        let receipts = ReceiptSigner(secret: secret)
        let connectionIDs = Atomic<UInt64>(0)

        let router = Router()
        router.get("healthz") { _, _ in
            // Healthy means the store answers (and, shared, that notifications from other relays arrive).
            let damaged = await registry.damaged, histories = await registry.damagedHistories
            if let problem = await store.healthProblem() ?? damaged.first.map({ "\($0.value)" })
                ?? histories.first.map({ "the stored history of \($0.key) is damaged: \($0.value)" }) {
                return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "unhealthy: \(problem)\n")))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        let history = HistoryEndpoint(store: store, rooms: registry, access: access, logger: logger)
        router.get("\(HistoryEndpoint.prefix)/**") { request, context in
            await history.answer(request, name: context.parameters.getCatchAll().joined(separator: "/"))
        }
        let documents = DocumentsEndpoint(store: store, rooms: registry, access: access, logger: logger)
        router.get("\(DocumentsEndpoint.prefix)") { request, _ in await documents.list(request) }
        router.get("\(DocumentsEndpoint.prefix)/**") { request, context in
            await documents.describe(request, name: context.parameters.getCatchAll().joined(separator: "/"))
        }
        router.delete("\(DocumentsEndpoint.prefix)/**") { request, context in
            await documents.delete(request, name: context.parameters.getCatchAll().joined(separator: "/"))
        }
        router.post("\(DocumentsEndpoint.prefix)/**") { request, context in
            await documents.rename(request, name: context.parameters.getCatchAll().joined(separator: "/"))
        }
        let transport = RelayTransport(configuration, metrics: metrics, logger: logger)
        let server = transport.server(tls: try configuration.tls.map(Self.tlsConfiguration)) { request, connectionTransport in
            let path = request.path ?? "/"
            let id = connectionIDs.add(1, ordering: .relaxed).newValue
            let connection = RelayConnection(registry: registry, store: store, access: access, receipts: receipts,
                                             messagesPerSecond: configuration.messagesPerSecond,
                                             logger: logger, metrics: metrics, id: id, transport: connectionTransport)
            return { inbound, outbound, _ in
                try await connection.serve(path: path, inbound: inbound, outbound: outbound)
            }
        }
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "weft"),
            onServerRunning: { channel in
                await transport.listening(on: channel)
                onListening(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await revocations.keepFresh(from: store, logger: logger) }
            defer { group.cancelAll() }
            try await transport.run(app, rooms: registry, timeout: configuration.shutdownTimeout)
        }
    }

    /// Where the relay's services end, once every connection is closed and the documents have
    /// committed what they accepted (or the shutdown timeout passed). A store that holds
    /// resources needing an orderly end (a checkpoint, connections to close) ends them here.
    private static func endServices(_ store: any RelayStore, logger: Logger) async {
        await store.close()
        logger.notice("stopped")
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
