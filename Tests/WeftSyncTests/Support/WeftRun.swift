import Foundation
import WeftTestSupport

/// Runs the built `weft` as a user would, with its own `WEFT_HOME`.
struct WeftRun {
    let home: URL

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts `weft ARGUMENTS` with `input` on stdin; the caller waits or kills.
    func start(_ arguments: [String], input: String = "") throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = try BuiltProduct.url("weft")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["WEFT_HOME"] = home.path
        environment["WEFT_SERVER"] = nil
        environment["WEFT_TOKEN"] = nil
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        return (process, stdout, stderr)
    }

    /// Runs `weft ARGUMENTS` to the end.
    @discardableResult
    func callAsFunction(_ arguments: [String], input: String = "") throws -> Result {
        let (process, stdout, stderr) = try start(arguments, input: input)
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}

/// JSON lines for `weft apply`.
func editLines(_ edits: [(pos: Int, del: Int, ins: String)]) -> String {
    edits.map { edit in
        let escaped = edit.ins.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "{\"pos\": \(edit.pos), \"del\": \(edit.del), \"ins\": \"\(escaped)\"}"
    }.joined(separator: "\n") + "\n"
}

func temporaryDirectory(_ label: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("weft-\(label)-\(UUID())")
}
