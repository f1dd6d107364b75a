import ArgumentParser
import Foundation
import Logging
import WeftServer

/// `weft serve`: the relay, in the foreground.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the relay that clients sync documents through.",
        discussion: """
            Documents are ws://HOST:PORT/NAME. Data (SQLite store and token secret) lives in --data. \
            Clients on loopback may connect without a token unless --require-auth is given; when \
            listening on any other address every client needs one (`weft token create`).
            """
    )

    @Option(help: ArgumentHelp("Address and port to listen on (port 0: any free port).", valueName: "HOST:PORT"))
    var listen = "127.0.0.1:7878"

    @Option(help: ArgumentHelp("The relay's data directory (default: $WEFT_HOME/relay, else ~/.local/share/weft/relay).", valueName: "DIR"))
    var data: String?

    @Flag(help: "Require a valid token from every client, on loopback too.")
    var requireAuth = false

    func validate() throws {
        _ = try address()
    }

    private func address() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port)
        else { throw ValidationError("--listen takes HOST:PORT, for example 127.0.0.1:7878") }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen needs a host, for example 127.0.0.1:7878") }
        return (host, port)
    }

    static func defaultDataDirectory() -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let home = environment["WEFT_HOME"], !home.isEmpty { return URL(fileURLWithPath: home).appendingPathComponent("relay") }
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share").path
        return URL(fileURLWithPath: base).appendingPathComponent("weft/relay")
    }

    func run() async throws {
        let (host, port) = try address()
        let directory = data.map { URL(fileURLWithPath: $0) } ?? Self.defaultDataDirectory()
        let configuration = RelayConfiguration(host: host, port: port, dataDirectory: directory, requireAuth: requireAuth)
        var logger = Logger(label: "weft.relay")
        logger.logLevel = ProcessInfo.processInfo.environment["WEFT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let auth = configuration.requireAuth || !configuration.isLoopback ? "tokens required" : "loopback clients need no token"
        try await Relay.run(configuration, logger: logger) { bound in
            let shown = host.contains(":") ? "[\(host)]" : host
            FileHandle.standardError.write(Data("weft relay listening on ws://\(shown):\(bound) (data: \(directory.path); \(auth))\n".utf8))
        }
    }
}
