import Foundation
import NIOSSL
import PostgresNIO

/// Where a shared PostgreSQL store is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, with an
/// optional `?sslmode=disable|prefer|require` (prefer when absent, as libpq does). A password can
/// also come from `PGPASSWORD`, which keeps it out of `ps`.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        case disable, prefer, require
    }

    /// Parses a `postgres://` or `postgresql://` URL.
    /// - Throws: `RelayStartError` saying what is missing or wrong.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let example = "for example postgres://weft@127.0.0.1:5432/weft"
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql" else {
            throw RelayStartError("--store takes a postgres://USER@HOST:PORT/DATABASE URL, \(example); got \(text)")
        }
        guard let host = components.host, !host.isEmpty else { throw RelayStartError("--store \(text) names no host, \(example)") }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else {
            throw RelayStartError("--store \(text) names no user, \(example)")
        }
        let database = String(components.path.drop { $0 == "/" }).removingPercentEncoding ?? ""
        guard !database.isEmpty, !database.contains("/") else { throw RelayStartError("--store \(text) names no database, \(example)") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw RelayStartError("--store \(text) has port \(port), outside 1-65535") }
        var sslMode = SSLMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw RelayStartError("--store \(text): unknown parameter \(item.name) (only sslmode=disable|prefer|require is understood)")
            }
            guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                throw RelayStartError("--store \(text): sslmode must be disable, prefer or require")
            }
            sslMode = mode
        }
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = port
        self.user = user
        self.password = components.password?.removingPercentEncoding ?? environment["PGPASSWORD"]
        self.database = database
        self.sslMode = sslMode
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)" + (sslMode == .prefer ? "" : "?sslmode=\(sslMode.rawValue)")
    }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        // A refused connection is retried quickly: a restarting database is back within seconds.
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
