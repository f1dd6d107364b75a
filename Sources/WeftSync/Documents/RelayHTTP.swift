import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One plain HTTP request to a relay, beside its WebSockets on the same port (HTTPS for a `wss`
/// address): what history and the document commands use.
enum RelayHTTP {
    /// The status and the whole body of `method path` on the relay of `address`, with the token
    /// in `Authorization: Bearer` when there is one.
    /// - Parameter what: what is being asked, for messages ("the history of notes").
    /// - Throws: `SyncError`: `.timeout` when the relay does not answer within `timeout` or cannot
    ///   be reached, `.configuration` for a CA file it cannot read.
    static func request(_ method: HTTPMethod, _ path: String, on address: DocumentAddress, token: String, caFile: URL?,
                        timeout: Duration, what: String) async throws(SyncError) -> (status: UInt, body: [UInt8]) {
        do {
            return try await withThrowingTaskGroup(of: (status: UInt, body: [UInt8]).self) { group in
                group.addTask { try await send(method, path, to: address, token: token, caFile: caFile, what: what) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw SyncError(.timeout, "the relay at \(address.host):\(address.port) did not answer about \(what) within \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as SyncError {
            throw error
        } catch is NIOConnectionError {
            // Refused, no route: the person needs to know nothing answers there, not how.
            throw SyncError(.timeout, "nothing answers at \(address.host):\(address.port); is the relay running?")
        } catch {
            // Connected, then cut or closed mid-answer: not "nothing answers" (the request may
            // have been carried out), in plain words.
            throw SyncError(.timeout, ConnectionFailure.describe(error, address: address))
        }
    }

    /// The body as the relay's words, for a message: at most 1,024 bytes, trimmed.
    static func words(_ body: [UInt8]) -> String {
        String(decoding: body.prefix(1_024), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func send(_ method: HTTPMethod, _ path: String, to address: DocumentAddress, token: String, caFile: URL?,
                             what: String) async throws -> (status: UInt, body: [UInt8]) {
        let tls: NIOSSLContext?
        if address.secure {
            tls = try NIOSSLContext(configuration: TLSConfiguration.relayClient(caFile: caFile))
        } else {
            tls = nil
        }
        let host = address.host
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            head.headers.add(name: "Host", value: "\(host):\(address.port)")
            head.headers.add(name: "Connection", value: "close")
            head.headers.add(name: "Content-Length", value: "0")
            if !token.isEmpty { head.headers.add(name: "Authorization", value: "Bearer \(token)") }
            // A relay that answers at once (a refusal) and closes may do so before the request's
            // end is written: the write then fails, and the answer is read all the same.
            var unwritten: (any Error)?
            do {
                try await outbound.write(.head(head))
                try await outbound.write(.end(nil))
            } catch {
                unwritten = error
            }
            var status: UInt = 0
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let response):
                    status = response.status.code
                    // A history page can be megabytes: room for it at once, not by doubling.
                    if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length <= 1 << 30 {
                        body.reserveCapacity(length)
                    }
                case .body(let buffer): buffer.withUnsafeReadableBytes { body.append(contentsOf: $0) }
                case .end: return (status, body)
                }
            }
            if let unwritten { throw unwritten }
            throw SyncError(.timeout, "the relay closed the connection before its whole answer about \(what) came")
        }
    }
}
