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
    /// Tokens, their users and revocations.
    let access: AccessCheck
    /// Receipts for acknowledged batches, made and checked with the store's secret.
    let receipts: ReceiptSigner
    /// Messages per second a connection may send on average; bursts may reach twice as many.
    let messagesPerSecond: Double
    let logger: Logger
    let metrics: RelayMetrics
    let id: UInt64
    /// The connection under this WebSocket: it makes the outbox.
    let transport: ConnectionTransport

    func serve(path: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        metrics.connections.increment()
        defer { metrics.connections.decrement() }
        var messages = inbound.messages(maxSize: 2 * WireLimits.maxFrameBytes).makeAsyncIterator()
        func refuse(_ error: WireError) async throws {
            logger.notice("closing a connection", metadata: ["path": "\(path)", "code": "\(error.code)", "reason": "\(error.message)"])
            metrics.rejected(error.code)
            try await write(.error(error, fatal: true), to: outbound)
        }

        // The first message must be a hello for the document the path names. A bad name is
        // refused in answer to that first message, not at once: a refusal and close arriving while
        // the client's WebSocket library is still finishing the upgrade may never reach it (WSClient
        // loses them under load).
        let hello: Hello
        let grant: AccessCheck.Grant
        do {
            guard let first = try await messages.next() else { return }
            hello = try Self.openingHello(path: path) { () throws(WireError) in try decode(first) }
            grant = try Self.grant(for: hello, check: access, now: UInt64(Date().timeIntervalSince1970))
            if let receipt = hello.lostBatchesReceipt,
               !receipts.isGenuine(receipt, document: hello.document, epoch: hello.epoch, replica: hello.replica) {
                throw WireError(.unauthorized, "the receipt in this hello is not one this relay gave replica \(hello.replica) in this epoch; a client says the relay lost its batches only with the receipt it was given")
            }
        } catch let error as WireError {
            return try await refuse(error)
        }
        let readOnly = hello.readOnly || grant.readOnly

        let room: DocumentRoom
        do {
            room = try await registry.acquire(hello.document)
        } catch {
            logger.error("could not open a document", metadata: ["document": "\(hello.document)", "error": "\(error)"])
            return try await refuse(WireError(.unavailable, "the relay cannot open this document now; try again later"))
        }
        defer { Task { await registry.release(hello.document, room) } }
        if let refusal = await room.admit(hello.replica, key: hello.replicaKey, epoch: hello.epoch) {
            return try await refuse(refusal)
        }
        if let author = grant.author, let refusal = await bind(hello.replica, in: hello.document, to: author) {
            return try await refuse(refusal)
        }
        let outbox = transport.outbox()
        let join = await room.join(id: id, hello: hello, readOnly: readOnly, outbox: outbox)

        // The writer replays what the client missed, then sends what the room and the reader put
        // in the outbox meanwhile and afterwards. The reader takes the client's batches from the
        // start, beside the replay: on a link that breaks every few seconds, a client that could
        // only send after a long replay would never get anything through. When the writer is done
        // (the outbox finished, a fatal error sent, the replay failed) it closes the WebSocket,
        // which also ends the reading.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    // Receipts are made for the epoch of the welcome: a later one asks for this
                    // copy back anyway.
                    let receipt = { (clientSeq: UInt64, serverSeq: UInt64) in
                        ServerMessage.receipt(receipts.receipt(document: hello.document, epoch: join.welcome.epoch,
                                                               replica: hello.replica, clientSeq: clientSeq, serverSeq: serverSeq))
                    }
                    let keepsReceipts = hello.wantsReceipts && !readOnly
                    try await write(.welcome(join.welcome), to: outbound)
                    if keepsReceipts, join.welcome.lastClientSeq > 0 {
                        try await write(receipt(join.welcome.lastClientSeq, join.welcome.serverSeq), to: outbound)
                    }
                    try await replay(join, document: hello.document, to: outbound)
                    for await frame in outbox.stream {
                        try await write(frame, to: outbound)
                        if frame.closesConnection { break }
                        if keepsReceipts, let acknowledged = frame.acknowledged {
                            try await write(receipt(acknowledged.clientSeq, acknowledged.serverSeq), to: outbound)
                        }
                    }
                } catch let error as ClientGone {
                    // The client left (or was closed) while messages were on their way: ordinary.
                    logger.debug("a client left before its messages were written", metadata: ["document": "\(hello.document)", "error": "\(error.underlying)"])
                } catch {
                    logger.notice("could not replay a document to a client", metadata: ["document": "\(hello.document)", "error": "\(error)"])
                    try? await write(.error(WireError(.unavailable, "the relay could not read this document's log; reconnect"), fatal: true), to: outbound)
                }
                outbox.finish()
                try? await outbound.close(outbox.closing.code, reason: outbox.closing.reason)
            }
            await read(&messages, room: room, readOnly: readOnly, grant: grant, outbox: outbox)
            outbox.finish()
            try await group.waitForAll()
        }
        outbox.finish()
        await room.leave(id: id)
    }

    /// After the welcome: the snapshot if the client is further behind than the log reaches, then
    /// the log it missed, then caught-up. Live messages wait in the outbox meanwhile.
    ///
    /// The replay sends every entry as a broadcast, the client's own included: a client that
    /// crashed after an ack and before saving its copy gets its own batches back this way, and
    /// applying one twice changes nothing (PROTOCOL.md rule 3). It ends exactly where the live
    /// messages in the outbox begin, so `caught-up` never names a batch not sent yet.
    private func replay(_ join: DocumentRoom.Join, document: DocumentName, to outbound: WebSocketOutboundWriter) async throws {
        var after = join.replayAfter
        var needsSnapshot = join.needsSnapshot
        // The outbox holds every delivery after the welcome's sequence; a snapshot newer than
        // that moves the end to it (the client ignores deliveries the snapshot already holds).
        var end = join.welcome.serverSeq
        while true {
            if needsSnapshot {
                let snapshot = try await store.snapshot(of: document)
                try await write(.snapshot(serverSeq: snapshot.serverSeq, bytes: snapshot.bytes), to: outbound)
                after = max(after, snapshot.serverSeq)
                end = max(end, snapshot.serverSeq)
                needsSnapshot = false
            }
            guard after < end else { break }
            let entries = try await store.entries(of: document, after: after, limit: 1_000)
            guard let first = entries.first else {
                throw StoreError("the store's log of \(document) ends at \(after), before \(end)")
            }
            // A compaction since the join dropped the entries this client needs: send the snapshot.
            if first.serverSeq != after + 1 {
                needsSnapshot = true
                continue
            }
            // Entries past `end` were committed since the join: they are in the outbox.
            for entry in entries where entry.serverSeq <= end {
                let ops = try OpCodec.decode(entry.ops)
                try await write(.broadcast(serverSeq: entry.serverSeq, replica: entry.replica, clientSeq: entry.clientSeq, ops: ops), to: outbound)
                after = entry.serverSeq
            }
        }
        try await write(.caughtUp(serverSeq: end), to: outbound)
    }

    /// - Parameter grant: what the hello's token allows: every message after it expires or is
    ///   revoked is refused, so a connection opened before outlives its token by nothing.
    private func read(_ messages: inout WebSocketInboundMessageStream.AsyncIterator, room: DocumentRoom, readOnly: Bool,
                      grant: AccessCheck.Grant, outbox: Outbox) async {
        var limiter = RateLimiter(rate: messagesPerSecond, burst: 2 * messagesPerSecond, now: .now)
        do {
            while let frame = try await messages.next() {
                let arrived = ContinuousClock.now
                guard limiter.admit(now: arrived) else {
                    throw WireError(.rateLimited, "more than \(Int(messagesPerSecond)) messages a second; slow down and reconnect")
                }
                try access.recheck(grant, now: UInt64(Date().timeIntervalSince1970))
                try await Self.take(decode(frame), from: id, room: room, readOnly: readOnly, outbox: outbox, metrics: metrics, arrived: arrived)
            }
        } catch let error as WireError {
            logger.notice("closing a connection", metadata: ["id": "\(id)", "code": "\(error.code)", "reason": "\(error.message)"])
            metrics.rejected(error.code)
            outbox.send(.error(error, fatal: true))
        } catch {
            // The connection broke (or was cancelled): nothing to tell the client.
        }
        outbox.finish()
    }

    private func decode(_ frame: WebSocketMessage) throws(WireError) -> ClientMessage {
        guard case .binary(var buffer) = frame else {
            if case .text(let text) = frame { metrics.bytesReceived.increment(by: Int64(text.utf8.count)) }
            throw WireError(.malformed, "Weft messages are binary WebSocket messages, not text")
        }
        metrics.bytesReceived.increment(by: Int64(buffer.readableBytes))
        return try ClientMessage(decoding: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    private func write(_ message: ServerMessage, to outbound: WebSocketOutboundWriter) async throws {
        try await write(OutgoingFrame(message), to: outbound)
    }

    private func write(_ frame: OutgoingFrame, to outbound: WebSocketOutboundWriter) async throws {
        metrics.bytesSent.increment(by: Int64(frame.bytes.readableBytes))
        do {
            try await outbound.write(.binary(frame.bytes))
        } catch {
            throw ClientGone(underlying: error)
        }
    }

    /// A write to the client failed: its connection is closed. Told apart from the store's
    /// errors, which the client is told about and the log names.
    private struct ClientGone: Error {
        let underlying: any Error
    }
}
