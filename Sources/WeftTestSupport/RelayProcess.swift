import Foundation

/// A `weft serve` process on 127.0.0.1 with a port of its choosing, stopped when released. For
/// tests and benchmarks.
public final class RelayProcess: @unchecked Sendable {
    public let process: ChildProcess
    public let port: Int
    public let dataDirectory: URL
    private let errors: Pipe
    /// What the relay wrote to standard error until it listened.
    public let startupOutput: String

    /// Starts a relay on `dataDirectory` and waits (up to 60 s) until it listens.
    /// `port` 0 lets the relay choose; a restart on the same data passes the old port.
    /// - Parameters:
    ///   - logLevel: `WEFT_LOG_LEVEL` for the relay (default: `WEFT_TEST_RELAY_LOG_LEVEL`, else warning).
    ///   - fileLimit: starts the relay with these open-file limits (`ulimit -n`).
    ///   - patientDeadlines: gives clients 60 s for their hello and their pings (unless
    ///     `extraArguments` set them). Clients inside the test process share two cores with
    ///     CPU-bound tests and can be held off the executor for longer than the relay's 5 s
    ///     handshake deadline; tests of the deadlines themselves pass `false`.
    public init(dataDirectory: URL, port: Int = 0, extraArguments: [String] = [], executable: URL? = nil,
                logLevel: String? = nil, fileLimit: (soft: Int, hard: Int)? = nil, patientDeadlines: Bool = true) throws {
        self.dataDirectory = dataDirectory
        let weft = try executable ?? BuiltProduct.url("weft")
        var arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--data", dataDirectory.path] + extraArguments
        if patientDeadlines {
            for option in ["--handshake-timeout", "--ping-interval"] where !extraArguments.contains(option) {
                arguments += [option, "60"]
            }
        }
        var executable = weft
        if let fileLimit {
            // exec keeps the relay's pid the one this object knows and signals.
            executable = URL(fileURLWithPath: "/bin/sh")
            arguments = ["-c", "ulimit -Sn \(fileLimit.soft) && ulimit -Hn \(fileLimit.hard) && exec \"$0\" \"$@\"", weft.path] + arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["WEFT_LOG_LEVEL"] = logLevel ?? environment["WEFT_TEST_RELAY_LOG_LEVEL"] ?? "warning"
        let errors = Pipe()
        self.errors = errors
        process = try ChildProcess(executable, arguments: arguments, environment: environment,
                                   standardInput: .null, standardOutput: .null, standardError: .pipe(errors))
        // Read stderr until the "listening" line names the port.
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        var found: Int?
        while found == nil, Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: "://127.0.0.1:"), seen.contains("listening on ") {
                let digits = seen[range.upperBound...].prefix { $0.isNumber }
                found = Int(digits)
            }
        }
        guard let found else {
            process.terminate()
            throw HarnessError("the relay did not start: \(seen)")
        }
        self.port = found
        startupOutput = seen
        // Keep draining stderr so the relay never blocks on a full pipe; with WEFT_TEST_LOG_DIR
        // set, keep it there too (one file per relay process), to read after a failure.
        let keep = ProcessInfo.processInfo.environment["WEFT_TEST_LOG_DIR"].flatMap { directory -> FileHandle? in
            let file = URL(fileURLWithPath: directory).appendingPathComponent("relay-\(process.processIdentifier).log")
            guard FileManager.default.createFile(atPath: file.path, contents: Data(seen.utf8)) else { return nil }
            return try? FileHandle(forWritingTo: file)
        }
        _ = try? keep?.seekToEnd()
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { try? keep?.write(contentsOf: data) }
        }
    }

    /// SIGKILL: no chance to flush or clean up.
    public func kill() {
        process.signal(SIGKILL)
        process.waitUntilExit()
    }

    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` (SIGTERM by default) and waits up to `timeout` for the relay to exit; how
    /// long it took, or nil if it was still running (it is then left running). Blocks: call it
    /// off the cooperative pool.
    public func stop(signal: Int32 = SIGTERM, waitingAtMost timeout: Duration) -> Duration? {
        let start = ContinuousClock.now
        process.signal(signal)
        while process.isRunning, ContinuousClock.now - start < timeout { usleep(5_000) }
        return process.isRunning ? nil : ContinuousClock.now - start
    }

    deinit {
        errors.fileHandleForReading.readabilityHandler = nil
        guard process.isRunning else { return }
        // SIGTERM starts a graceful shutdown, which waits for open WebSockets to close. A test
        // client still connected may need this very thread (the cooperative pool has two on CI)
        // to answer, so wait at most 3 s, then SIGKILL: never block forever on it.
        process.terminate()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { process.signal(SIGKILL) }
        process.waitUntilExit()
    }
}
