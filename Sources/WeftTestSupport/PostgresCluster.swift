import Foundation

/// A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a temporary directory,
/// a server on 127.0.0.1 at a free port with trust authentication, removed when released.
///
/// Needs Debian's `postgresql` package (`.ci/run` installs it). As root, the server runs as the
/// `postgres` user, since PostgreSQL refuses to run as root.
public final class PostgresCluster: @unchecked Sendable {
    public let directory: URL
    public let port: Int
    private let binaries: URL
    private let runAsPostgres: Bool

    /// Why a cluster could not be made.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts a fresh cluster (about 2 s) with an empty database named `weft`.
    public init() throws {
        binaries = try Self.findBinaries()
        runAsPostgres = getuid() == 0
        let base = URL(fileURLWithPath: "/tmp").appendingPathComponent("weft-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        directory = base
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        port = unusedLoopbackPort()
        if runAsPostgres { try run("/bin/chown", ["postgres:postgres", base.path], asPostgres: false) }
        try run(binaries.appendingPathComponent("initdb").path,
                ["-D", dataPath, "-A", "trust", "-U", "weft", "-E", "UTF8", "--no-sync", "--locale=C"])
        try start()
        try run(binaries.appendingPathComponent("createdb").path, ["-h", "127.0.0.1", "-p", "\(port)", "-U", "weft", "weft"])
    }

    private var dataPath: String { directory.appendingPathComponent("data").path }

    /// The URL `weft serve --store` takes for database `database`.
    public func url(database: String = "weft") -> String {
        "postgres://weft@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Makes another empty database (one per test keeps tests apart on one cluster).
    public func createDatabase(_ name: String) throws {
        try run(binaries.appendingPathComponent("createdb").path, ["-h", "127.0.0.1", "-p", "\(port)", "-U", "weft", name])
    }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        try run(binaries.appendingPathComponent("pg_ctl").path, [
            "-D", dataPath, "-l", directory.appendingPathComponent("server.log").path, "-w", "-t", "60",
            "-o", "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1", "start",
        ])
    }

    /// Stops the server at once (`-m fast`: sessions are cut, as in a crash of the network or a failover).
    public func stop() throws {
        try run(binaries.appendingPathComponent("pg_ctl").path, ["-D", dataPath, "-w", "-t", "60", "-m", "fast", "stop"])
    }

    /// The server's log, for a failing test's message.
    public var serverLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    /// Runs psql with `sql` and returns its unaligned output.
    public func query(_ sql: String, database: String = "weft") throws -> String {
        try run(binaries.appendingPathComponent("psql").path,
                ["-h", "127.0.0.1", "-p", "\(port)", "-U", "weft", "-d", database, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql])
    }

    deinit {
        try? stop()
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    private func run(_ executable: String, _ arguments: [String], asPostgres: Bool? = nil) throws -> String {
        // From /tmp: the postgres user may not be able to enter the caller's working directory,
        // and psql would say so in the output a test reads.
        let command = (asPostgres ?? runAsPostgres) ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments
        let (status, text) = try runDaemonSafe(["/usr/bin/env", "--chdir=/tmp"] + command)
        guard status == 0 else {
            throw Failure(description: "\(URL(fileURLWithPath: executable).lastPathComponent) \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }

    /// `WEFT_PG_BIN`, else the newest /usr/lib/postgresql/N/bin, else the PATH.
    private static func findBinaries() throws -> URL {
        let manager = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["WEFT_PG_BIN"] { return URL(fileURLWithPath: explicit) }
        let debian = "/usr/lib/postgresql"
        let versions = ((try? manager.contentsOfDirectory(atPath: debian)) ?? []).compactMap(Int.init).sorted()
        if let newest = versions.last, manager.isExecutableFile(atPath: "\(debian)/\(newest)/bin/initdb") {
            return URL(fileURLWithPath: "\(debian)/\(newest)/bin")
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where manager.isExecutableFile(atPath: "\(directory)/initdb") {
            return URL(fileURLWithPath: String(directory))
        }
        throw Failure(description: "PostgreSQL's initdb was not found (install Debian's postgresql package: apt-get install postgresql, or set WEFT_PG_BIN)")
    }
}
