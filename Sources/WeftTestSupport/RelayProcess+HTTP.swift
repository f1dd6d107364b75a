import Foundation

extension RelayProcess {
    /// An HTTP answer: status code and body.
    public struct HTTPAnswer: Sendable {
        public var status: Int
        public var body: String
    }

    /// `GET path` on a connection of its own (from `source` when given), or nil when no
    /// complete answer came within `timeout`. Blocks: call it off the cooperative pool.
    public func get(_ path: String, from source: String? = nil, timeout: Duration = .seconds(10)) -> HTTPAnswer? {
        guard let socket = try? RawSocket(port: port, from: source) else { return nil }
        socket.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let (bytes, _) = socket.readUntilClosed(timeout: timeout)
        return Self.parseAnswer(bytes)
    }

    /// `method path` with no body and no token, on a connection of its own, or nil when no
    /// complete answer came within `timeout`. Blocks: call it off the cooperative pool.
    public func request(_ method: String, _ path: String, timeout: Duration = .seconds(10)) -> HTTPAnswer? {
        guard let socket = try? RawSocket(port: port) else { return nil }
        socket.send("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let (bytes, _) = socket.readUntilClosed(timeout: timeout)
        return Self.parseAnswer(bytes)
    }

    /// The status and body of a complete HTTP/1.1 answer (with Content-Length), or nil.
    public static func parseAnswer(_ bytes: [UInt8]) -> HTTPAnswer? {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        let length = lines.dropFirst().first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        let body = bytes[end.upperBound...]
        guard body.count >= length else { return nil }
        return HTTPAnswer(status: status, body: String(decoding: body.prefix(length), as: UTF8.self))
    }

    /// `/metrics` as name (with labels) → value; empty when it did not answer.
    public func metrics() -> [String: Double] {
        guard let answer = get("/metrics"), answer.status == 200 else { return [:] }
        var values: [String: Double] = [:]
        for line in answer.body.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            values[String(line[..<space])] = value
        }
        return values
    }

    /// The relay's resident memory in bytes (`VmRSS` in `/proc/PID/status`).
    public var residentBytes: Int? { WeftTestSupport.residentBytes(ofProcess: process.processIdentifier) }

    /// CPU time the relay has used (user and system), from `/proc/PID/stat`.
    public var cpuTime: Duration? {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return .milliseconds((user + system) * 1_000 / ticks)
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; whether it held.
    /// Blocks: call it off the cooperative pool.
    public static func waitUntil(_ timeout: Duration, _ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}
