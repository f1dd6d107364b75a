import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import WeftWire

/// Reads a document's whole history from its relay: `GET /history/NAME?after=N` page by page
/// (PROTOCOL.md, "History"), over TLS for a `wss` address, with the token the document's other
/// commands use.
public enum HistoryFetch {
    /// Every entry of `address`'s history after `after`.
    /// - Throws: `SyncError`: `.refused` with the relay's words when it refuses (a bad token),
    ///   `.timeout` when it does not answer within `timeout`, `.configuration` for a CA file it
    ///   cannot read.
    public static func history(of address: DocumentAddress, after: UInt64 = 0, token: String, caFile: URL?,
                               timeout: Duration = .seconds(30)) async throws(SyncError) -> DocumentHistory {
        var entries: [HistoryEntry] = []
        var floor: UInt64 = 0
        var next = after
        while true {
            let page = try await fetchPage(of: address, after: next, token: token, caFile: caFile, timeout: timeout)
            floor = page.floor
            entries += page.entries
            guard page.more, let last = page.entries.last else { break }
            next = last.serverSeq
        }
        return DocumentHistory(floor: floor, entries: entries)
    }

    private static func fetchPage(of address: DocumentAddress, after: UInt64, token: String, caFile: URL?,
                                  timeout: Duration) async throws(SyncError) -> HistoryPage {
        let path = "/history/\(address.name.rawValue)?after=\(after)"
        let answer: (status: UInt, body: [UInt8])
        do {
            answer = try await withThrowingTaskGroup(of: (status: UInt, body: [UInt8]).self) { group in
                group.addTask { try await get(path, from: address, token: token, caFile: caFile) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw SyncError(.timeout, "the relay at \(address.host):\(address.port) did not send the history of \(address.name) within \(timeout)")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let error as SyncError {
            throw error
        } catch {
            throw SyncError(.timeout, "cannot read the history of \(address.name) from \(address.host):\(address.port): \(error)")
        }
        guard answer.status == 200 else {
            let words = String(decoding: answer.body.prefix(1_024), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let kind: SyncError.Kind = answer.status == 503 ? .timeout : .refused
            throw SyncError(kind, "the relay refused the history of \(address.name) (HTTP \(answer.status)): \(words)")
        }
        do {
            return try HistoryPage(decoding: answer.body)
        } catch {
            throw SyncError(.refused, "the relay's history of \(address.name) does not decode (\(error.message)); is it a relay of another version?")
        }
    }

    /// One GET on a connection of its own; the status and the whole body.
    private static func get(_ path: String, from address: DocumentAddress, token: String, caFile: URL?) async throws -> (status: UInt, body: [UInt8]) {
        let tls: NIOSSLContext?
        if address.secure {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let caFile {
                do {
                    configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile.path))
                } catch {
                    throw SyncError(.configuration, "cannot read the CA certificates in \(caFile.path) (PEM expected): \(error)")
                }
            }
            tls = try NIOSSLContext(configuration: configuration)
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
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "Host", value: "\(host):\(address.port)")
            head.headers.add(name: "Connection", value: "close")
            if !token.isEmpty { head.headers.add(name: "Authorization", value: "Bearer \(token)") }
            try await outbound.write(.head(head))
            try await outbound.write(.end(nil))
            var status: UInt = 0
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let response): status = response.status.code
                case .body(var buffer): body += buffer.readBytes(length: buffer.readableBytes) ?? []
                case .end: return (status, body)
                }
            }
            throw SyncError(.timeout, "the relay closed the connection before the whole history of \(address.name) came")
        }
    }
}
