import Foundation
import WeftTestSupport

/// A `weft serve` process on 127.0.0.1 with a port of its choosing, stopped when released.
final class RelayProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let dataDirectory: URL
    private let errors: Pipe

    /// Starts a relay on `dataDirectory` and waits (up to 20 s) until it listens.
    init(dataDirectory: URL, extraArguments: [String] = []) throws {
        self.dataDirectory = dataDirectory
        process.executableURL = try BuiltProduct.url("weft")
        process.arguments = ["serve", "--listen", "127.0.0.1:0", "--data", dataDirectory.path] + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment["WEFT_LOG_LEVEL"] = "warning"
        process.environment = environment
        errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Read stderr until the "listening" line names the port.
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        var found: Int?
        while found == nil, Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: "listening on ws://127.0.0.1:") {
                let digits = seen[range.upperBound...].prefix { $0.isNumber }
                found = Int(digits)
            }
        }
        guard let found else {
            process.terminate()
            throw RelayTestFailure(description: "the relay did not start: \(seen)")
        }
        port = found
        // Keep draining stderr so the relay never blocks on a full pipe.
        errors.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
    }

    /// SIGKILL: no chance to flush or clean up.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var isRunning: Bool { process.isRunning }

    deinit {
        errors.fileHandleForReading.readabilityHandler = nil
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
