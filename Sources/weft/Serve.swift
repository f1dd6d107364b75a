import ArgumentParser
import Foundation
import WeftClient
import Logging
import WeftServer
import WeftSync

/// `weft serve`: the relay, in the foreground.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the relay that clients sync documents through.",
        discussion: """
            Documents are ws://HOST:PORT/NAME. Data (SQLite store and token secret) lives in --data; \
            with --store postgres://USER@HOST:PORT/DB it lives in that PostgreSQL database instead, \
            which any number of relays can share (a client may then reconnect through any of them). \
            Clients on loopback may connect without a token unless --require-auth is given; when \
            listening on any other address every client needs one (`weft token create`).
            """
    )

    @Option(help: ArgumentHelp("Address and port to listen on (port 0: any free port).", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:7878"

    @Option(help: ArgumentHelp("The relay's data directory (default: the one the background relay for the same address uses, $XDG_DATA_HOME/weft/relays/HOST-PORT, else ~/.local/share/weft/relays/HOST-PORT).", valueName: "DIR"))
    var data: String?

    @Option(help: ArgumentHelp("Keep documents in PostgreSQL, shared with other relays: postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require] (or the password in PGPASSWORD).", valueName: "URL"))
    var store: String?

    @Flag(help: "Require a valid token from every client, on loopback too.")
    var requireAuth = false

    @Option(help: ArgumentHelp("PEM certificate chain: serve wss:// and https:// (needs --tls-key).", valueName: "FILE"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key (unencrypted) for --tls-cert.", valueName: "FILE"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("Fold a document's log into a snapshot every N batches.", valueName: "N"))
    var compactEvery: UInt64 = CompactionPolicy().every

    @Option(help: ArgumentHelp("Batches kept in the log after compacting, for clients slightly behind.", valueName: "N"))
    var compactKeep: UInt64 = CompactionPolicy().keep

    @Option(help: ArgumentHelp("Messages per second one connection may send (bursts of twice as many); more is refused with rate-limited.", valueName: "N"))
    var maxMessageRate: Double = 500

    @Option(help: ArgumentHelp("Seconds a document stays loaded after its last client leaves (reconnects find it at once).", valueName: "SECONDS"))
    var keepOpen: Double = 10

    @Flag(help: "Start even though the data directory's store is missing, empty or another one (its documents are gone: clients that hold them give them back).")
    var acceptLostStore = false

    @Option(help: ArgumentHelp("Seconds a client has to send its HTTP request after connecting, and its hello after the WebSocket upgrade; also how long an HTTP connection may idle.", valueName: "SECONDS"))
    var handshakeTimeout: Double = 5

    @Option(help: ArgumentHelp("Seconds between pings on every WebSocket; a client that answers none for three of them, and takes none of the data waiting for it, is disconnected.", valueName: "SECONDS"))
    var pingInterval: Double = 10

    @Option(help: ArgumentHelp("MiB of messages that may wait for one client that reads slowly; past it (or 65,536 messages) the client is disconnected and catches up when it reconnects.", valueName: "MIB"))
    var maxQueuedMib: Int = TransportLimits().maxQueuedBytes >> 20

    @Option(help: ArgumentHelp("Connections open at once, at most (default: 10,000, or fewer when the open-file limit allows fewer).", valueName: "N"))
    var maxConnections: Int?

    @Option(help: ArgumentHelp("Connections from one address, at most (default: 256; no limit when listening on a loopback address).", valueName: "N"))
    var maxConnectionsPerAddress: Int?

    @Option(help: ArgumentHelp("Seconds stopping may take (SIGTERM, SIGINT) before the connections left are closed; a second signal stops at once.", valueName: "SECONDS"))
    var shutdownTimeout: Double = 3

    func validate() throws {
        guard keepOpen >= 0 else { throw ValidationError("--keep-open must be 0 or more seconds") }
        guard handshakeTimeout > 0 else { throw ValidationError("--handshake-timeout must be more than 0 seconds") }
        guard pingInterval > 0 else { throw ValidationError("--ping-interval must be more than 0 seconds") }
        guard shutdownTimeout >= 0 else { throw ValidationError("--shutdown-timeout must be 0 or more seconds") }
        guard maxQueuedMib >= 1 else { throw ValidationError("--max-queued-mib must be at least 1") }
        guard (maxConnections ?? 1) >= 1 else { throw ValidationError("--max-connections must be at least 1") }
        guard (maxConnectionsPerAddress ?? 1) >= 1 else { throw ValidationError("--max-connections-per-address must be at least 1") }
        _ = try address()
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard maxMessageRate >= 1 else { throw ValidationError("--max-message-rate must be at least 1") }
        guard compactEvery > 0 else { throw ValidationError("--compact-every must be at least 1") }
        _ = try storeLocation()
    }

    private func storeLocation() throws -> StoreLocation {
        guard let store else { return .embedded }
        do {
            return .postgres(try PostgresLocation(parsing: store))
        } catch {
            throw ValidationError("\(error)")
        }
    }

    private func address() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port)
        else { throw ValidationError("--listen takes HOST:PORT, for example 127.0.0.1:7878") }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen needs a host, for example 127.0.0.1:7878") }
        return (host, port)
    }

    func run() async throws {
        let (host, port) = try address()
        // The background relay's directory for this address: a relay on one address keeps its
        // documents in one place, whether `weft edit` started it or someone ran `weft serve`.
        let directory = data.map { URL(fileURLWithPath: $0) } ?? EmbeddedRelay.directory(host: host, port: port)
        let tls = tlsCert.flatMap { cert in tlsKey.map { (URL(fileURLWithPath: cert), URL(fileURLWithPath: $0)) } }
        var configuration = RelayConfiguration(host: host, port: port, dataDirectory: directory, requireAuth: requireAuth, tls: tls,
                                               compaction: CompactionPolicy(every: compactEvery, keep: compactKeep))
        configuration.messagesPerSecond = maxMessageRate
        configuration.store = try storeLocation()
        configuration.keepOpen = .milliseconds(Int(keepOpen * 1000))
        configuration.acceptLostStore = acceptLostStore
        configuration.transport.handshakeTimeout = .milliseconds(Int(handshakeTimeout * 1000))
        configuration.transport.pingInterval = .milliseconds(Int(pingInterval * 1000))
        configuration.transport.maxQueuedBytes = maxQueuedMib << 20
        configuration.transport.maxConnections = maxConnections
        configuration.transport.maxConnectionsPerAddress = maxConnectionsPerAddress
        configuration.shutdownTimeout = .milliseconds(Int(shutdownTimeout * 1000))
        var logger = Logger(label: "weft.relay")
        logger.logLevel = ProcessInfo.processInfo.environment["WEFT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let auth = configuration.requireAuth || !configuration.isLoopback ? "tokens required" : "loopback clients need no token"
        do {
            try await run(configuration, logger: logger, directory: directory, host: host, auth: auth)
        } catch let error as RelayStartError {
            FileHandle.standardError.write(Data("weft serve: \(error)\n".utf8))
            throw ExitCode.failure
        } catch {
            guard let plain = RelayStartError.listening(error, host: host, port: port) else { throw error }
            FileHandle.standardError.write(Data("weft serve: \(plain)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func run(_ configuration: RelayConfiguration, logger: Logger, directory: URL, host: String, auth: String) async throws {
        let tls = configuration.tls
        let data = switch configuration.store {
        case .embedded: "data: \(directory.path)"
        case .postgres(let location): "store: \(location)"
        }
        try await Relay.run(configuration, logger: logger) { bound in
            let shown = host.contains(":") ? "[\(host)]" : host
            FileHandle.standardError.write(Data("weft relay listening on \(tls == nil ? "ws" : "wss")://\(shown):\(bound) (\(data); \(auth))\n".utf8))
        }
    }
}
