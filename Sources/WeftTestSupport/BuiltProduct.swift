import Foundation

/// Executables this package builds (and others tests need), for tests that run them as a user would.
public enum BuiltProduct {
    /// The executable `name` beside the running test bundle (SwiftPM puts products and test
    /// bundles in one folder), or in `.build/debug`.
    public static func url(_ name: String) throws -> URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let debug = DocumentedExample.repository.appendingPathComponent(".build/debug/\(name)")
        if FileManager.default.isExecutableFile(atPath: debug.path) { return debug }
        throw HarnessError("no built \(name) beside \(beside.path) or at \(debug.path); run `swift build` first")
    }

    /// The program `name` on `PATH`, if there is one.
    public static func onPath(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `name` with `arguments`; returns its exit status, standard output and standard error.
    public static func run(_ name: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try run(executable: url(name), arguments)
    }

    /// Runs the program at `executable` (this package's or another's) with `arguments`; returns
    /// its exit status, standard output and standard error.
    public static func run(executable: URL, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ChildProcess.run(executable, arguments: arguments)
    }
}
