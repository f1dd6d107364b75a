import Foundation

/// Runs the built `weft` as a user would, with its own `WEFT_HOME`.
public struct WeftRun: Sendable {
    public let home: URL
    /// Variables set for the run besides `WEFT_HOME` (`WEFT_SERVER` and `WEFT_TOKEN` are cleared
    /// unless given here; `XDG_DATA_HOME`, where background relays keep their data, is
    /// `HOME/xdg-data` unless given, so no test touches the real user's relays).
    public var environment: [String: String]
    /// The weft to run: the one this package built unless given (another build of it, say).
    public var executable: URL?

    public init(home: URL, environment: [String: String] = [:], executable: URL? = nil) {
        self.home = home
        self.environment = environment
        self.executable = executable
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Starts `weft ARGUMENTS` with `input` on stdin; the caller waits or kills.
    public func start(_ arguments: [String], input: String = "") throws -> (ChildProcess, Pipe, Pipe) {
        var environment = ProcessInfo.processInfo.environment
        environment["WEFT_HOME"] = home.path
        environment["WEFT_SERVER"] = nil
        environment["WEFT_TOKEN"] = nil
        environment["XDG_DATA_HOME"] = home.appendingPathComponent("xdg-data").path
        environment.merge(self.environment) { $1 }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        let process = try ChildProcess(executable ?? BuiltProduct.url("weft"), arguments: arguments, environment: environment,
                                       standardInput: .pipe(stdin), standardOutput: .pipe(stdout), standardError: .pipe(stderr))
        Self.writeAll(Array(input.utf8), to: stdin.fileHandleForWriting.fileDescriptor)
        try stdin.fileHandleForWriting.close()
        return (process, stdout, stderr)
    }

    /// Writes `bytes` to a pipe, going on after interruptions by signals. FileHandle.write
    /// traps on EINTR (a `try!` inside Foundation), which a busy test process full of children
    /// exiting meets now and then; a child that exits without reading its input ends the write.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        _ = Self.ignoreBrokenPipes
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR || errno == EAGAIN { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// A child that exits before reading its input must not end the test process with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN); () }()

    /// Runs `weft ARGUMENTS` to the end.
    @discardableResult
    public func callAsFunction(_ arguments: [String], input: String = "") throws -> Result {
        let (process, stdout, stderr) = try start(arguments, input: input)
        let (out, err) = ChildProcess.readToEnd(stdout, stderr)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: out, stderr: err)
    }
}
