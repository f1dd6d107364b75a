import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import WeftCRDT
import WeftWire

/// Serves one WebSocket: hello, welcome and replay, then batches and presence until either side
/// ends it. Hostile input gets an `error` message, then the connection is closed; the document and
/// its other connections are untouched.
struct RelayConnection: Sendable {
    let registry: RoomRegistry
    let store: any RelayStore
    let signer: TokenSigner
    let requireAuth: Bool
    let logger: Logger
    let id: UInt64

    /// Messages per second a connection may send on average, and in a burst.
    static let messageRate = 500.0
    static let messageBurst = 1_000.0

    func serve(path: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var messages = inbound.messages(maxSize: 2 * WireLimits.maxFrameBytes).makeAsyncIterator()
        func refuse(_ error: WireError) async throws {
            logger.notice("closing a connection", metadata: ["path": "\(path)", "code": "\(error.code)", "reason": "\(error.message)"])
            try await Self.write(.error(error, fatal: true), to: outbound)
        }

        // The first message must be a hello for the document the path names.
        let hello: Hello
        do {
            let name = try DocumentName(String(path.drop { $0 == "/" }.prefix { $0 != "?" }))
            guard let first = try await messages.next() else { return }
            guard case .hello(let decoded) = try Self.decode(first) else {
                throw WireError(.malformed, "the first message must be hello")
            }
            guard decoded.document == name else {
                throw WireError(.malformed, "hello names document \(decoded.document) on the connection for \(name)")
            }
            hello = decoded
        } catch let error as WireError {
            return try await refuse(error)
        }

        var readOnly = hello.readOnly
        if requireAuth || !hello.token.isEmpty {
            do {
                let claims = try signer.verify(hello.token, for: hello.document, now: UInt64(Date().timeIntervalSince1970))
                readOnly = readOnly || claims.scope == .read
            } catch {
                return try await refuse(WireError(.unauthorized, hello.token.isEmpty ? "this relay needs a token: ask its owner for one (`weft token create`)" : error.message))
            }
        }

        let room: DocumentRoom
        do {
            room = try await registry.room(hello.document)
        } catch {
            logger.error("could not open a document", metadata: ["document": "\(hello.document)", "error": "\(error)"])
            return try await refuse(WireError(.unavailable, "the relay cannot open this document now; try again later"))
        }
        let outbox = Outbox()
        let join = await room.join(id: id, replica: hello.replica, lastServerSeq: hello.lastServerSeq, readOnly: readOnly, outbox: outbox)
        do {
            try await replay(join, document: hello.document, to: outbound)
        } catch {
            outbox.finish()
            await room.leave(id: id)
            throw error
        }

        // The writer sends what the room and the reader put in the outbox. When it is done (the
        // outbox finished, or a fatal error was sent) it closes the WebSocket, which also ends
        // the reading below.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in outbox.stream {
                    try await Self.write(message, to: outbound)
                    if case .error(_, fatal: true) = message { break }
                }
                try? await outbound.close(.normalClosure, reason: nil)
            }
            await read(&messages, room: room, readOnly: readOnly, outbox: outbox)
            outbox.finish()
            try await group.waitForAll()
        }
        outbox.finish()
        await room.leave(id: id)
    }

    /// Welcome, then the snapshot if the client is too far behind, then the log it missed, then
    /// caught-up. Live messages wait in the outbox meanwhile.
    private func replay(_ join: DocumentRoom.Join, document: DocumentName, to outbound: WebSocketOutboundWriter) async throws {
        try await Self.write(.welcome(join.welcome), to: outbound)
        var after = join.replayAfter
        if join.needsSnapshot {
            let stored = try await store.open(document)
            try await Self.write(.snapshot(serverSeq: stored.snapshotSeq, bytes: stored.snapshot), to: outbound)
            after = stored.snapshotSeq
        }
        let end = join.welcome.serverSeq
        while after < end {
            let entries = try await store.entries(of: document, after: after, limit: 1_000)
            guard !entries.isEmpty else { break }
            for entry in entries where entry.serverSeq <= end {
                let ops = try OpCodec.decode(entry.ops)
                try await Self.write(.broadcast(serverSeq: entry.serverSeq, replica: entry.replica, clientSeq: entry.clientSeq, ops: ops), to: outbound)
            }
            after = entries.last!.serverSeq
        }
        try await Self.write(.caughtUp(serverSeq: end), to: outbound)
    }

    private func read(_ messages: inout WebSocketInboundMessageStream.AsyncIterator, room: DocumentRoom, readOnly: Bool, outbox: Outbox) async {
        var limiter = RateLimiter(rate: Self.messageRate, burst: Self.messageBurst, now: .now)
        do {
            while let frame = try await messages.next() {
                guard limiter.admit(now: .now) else {
                    throw WireError(.rateLimited, "more than \(Int(Self.messageRate)) messages a second; slow down and reconnect")
                }
                switch try Self.decode(frame) {
                case .hello:
                    throw WireError(.malformed, "hello was already sent on this connection")
                case .batch(let clientSeq, let ops):
                    if readOnly {
                        outbox.send(.error(WireError(.readOnly, "this connection is read-only; batch \(clientSeq) was not applied"), fatal: false))
                        continue
                    }
                    if let error = await room.submit(from: id, clientSeq: clientSeq, ops: ops) { throw error }
                case .presence(let presence):
                    await room.presence(from: id, presence)
                }
            }
        } catch let error as WireError {
            logger.notice("closing a connection", metadata: ["id": "\(id)", "code": "\(error.code)", "reason": "\(error.message)"])
            outbox.send(.error(error, fatal: true))
        } catch {
            // The connection broke (or was cancelled): nothing to tell the client.
        }
        outbox.finish()
    }

    private static func decode(_ frame: WebSocketMessage) throws(WireError) -> ClientMessage {
        guard case .binary(var buffer) = frame else {
            throw WireError(.malformed, "Weft messages are binary WebSocket messages, not text")
        }
        return try ClientMessage(decoding: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    private static func write(_ message: ServerMessage, to outbound: WebSocketOutboundWriter) async throws {
        try await outbound.write(.binary(ByteBuffer(bytes: message.encoded())))
    }
}
