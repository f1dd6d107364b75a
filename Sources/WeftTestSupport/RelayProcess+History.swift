import Foundation

extension RelayProcess {
    /// `GET /history/NAME?after=N` (and `bounds`, such as `&through=5`) with `token` as a bearer
    /// token: the status and the body's bytes, or nil when no complete answer came. Blocks: call
    /// it off the cooperative pool.
    public func history(of document: String, after: UInt64 = 0, bounds: String = "", token: String = "", timeout: Duration = .seconds(10)) -> (status: Int, body: [UInt8])? {
        guard let socket = try? RawSocket(port: port) else { return nil }
        let authorization = token.isEmpty ? "" : "Authorization: Bearer \(token)\r\n"
        socket.send("GET /history/\(document)?after=\(after)\(bounds) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(authorization)Connection: close\r\n\r\n")
        let (bytes, _) = socket.readUntilClosed(timeout: timeout)
        guard let answer = Self.parseAnswer(bytes), let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        return (answer.status, Array(bytes[end.upperBound...]))
    }
}
