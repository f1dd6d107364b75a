import Foundation

/// Why a trace file could not be read.
public struct TraceError: Error, CustomStringConvertible {
    public let description: String
}

/// Reads the gzip'd JSON traces in `shared/traces`.
public enum TraceLoader {
    /// `$WEFT_TRACES` if set, else `shared/traces` beside the repository (where CI puts it).
    public static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["WEFT_TRACES"] { return URL(fileURLWithPath: path) }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/traces")
    }

    /// The path of a trace by its folder and name, e.g. `("sequential", "automerge-paper")`.
    public static func path(_ folder: String, _ name: String) -> URL {
        directory.appendingPathComponent(folder).appendingPathComponent(name + ".json.gz")
    }

    /// Every `*.json.gz` in a folder of the traces directory, sorted by name.
    public static func files(in folder: String) throws -> [URL] {
        let url = directory.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
        return names.filter { $0.hasSuffix(".json.gz") }.sorted().map { url.appendingPathComponent($0) }
    }

    public static func name(of url: URL) -> String {
        String(url.lastPathComponent.dropLast(".json.gz".count))
    }

    /// gunzips with the system's gzip (Foundation on Linux has no inflate) and parses the JSON.
    static func json(_ url: URL) throws -> [String: Any] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TraceError(description: "no trace at \(url.path); set WEFT_TRACES to the traces folder")
        }
        let pipe = Pipe()
        let process = try ChildProcess(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "exec gzip -dc \"$0\"", url.path],
                                       standardInput: .null, standardOutput: .pipe(pipe))
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TraceError(description: "gzip failed on \(url.path)") }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TraceError(description: "\(url.path) is not a JSON object")
        }
        return object
    }

    static func patches(_ value: Any?, in url: URL) throws -> [TracePatch] {
        guard let list = value as? [[Any]] else { throw TraceError(description: "\(url.path): patches are not arrays") }
        return try list.map { patch in
            guard patch.count == 3, let position = (patch[0] as? NSNumber)?.intValue,
                  let deleteCount = (patch[1] as? NSNumber)?.intValue, let text = patch[2] as? String
            else { throw TraceError(description: "\(url.path): a patch is not [pos, del, text]") }
            return TracePatch(position: position, deleteCount: deleteCount, text: text)
        }
    }

    public static func sequential(_ url: URL) throws -> SequentialTrace {
        let object = try json(url)
        guard let end = object["endContent"] as? String, let txns = object["txns"] as? [[String: Any]] else {
            throw TraceError(description: "\(url.path) is not a sequential trace")
        }
        if let start = object["startContent"] as? String, !start.isEmpty {
            throw TraceError(description: "\(url.path) has startContent; only empty starts are supported")
        }
        var all: [TracePatch] = []
        for txn in txns { all += try patches(txn["patches"], in: url) }
        return SequentialTrace(name: name(of: url), endContent: end, transactionCount: txns.count, patches: all)
    }

    public static func concurrent(_ url: URL) throws -> ConcurrentTrace {
        let object = try json(url)
        guard let end = object["endContent"] as? String, let txns = object["txns"] as? [[String: Any]],
              let agents = (object["numAgents"] as? NSNumber)?.intValue
        else { throw TraceError(description: "\(url.path) is not a concurrent trace") }
        let transactions = try txns.map { txn in
            guard let parents = txn["parents"] as? [NSNumber], let agent = (txn["agent"] as? NSNumber)?.intValue else {
                throw TraceError(description: "\(url.path): a txn lacks parents or agent")
            }
            return ConcurrentTrace.Transaction(parents: parents.map(\.intValue), agent: agent,
                                               patches: try patches(txn["patches"], in: url))
        }
        return ConcurrentTrace(name: name(of: url), endContent: end, agentCount: agents, transactions: transactions)
    }
}
