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

    /// What a hello was let in to: the room it joined (used until the connection ends), and what
    /// the connection's life needs of the admission.
    struct Admission: Sendable {
        let hello: Hello
        let grant: AccessCheck.Grant
        let readOnly: Bool
        let room: DocumentRoom
        let outbox: Outbox
        /// Nil when the room sent the connection away (the outbox says why).
        let welcome: Welcome?
    }

    func serve(path: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        metrics.connections.increment()
        defer { metrics.connections.decrement() }
        var messages = inbound.messages(maxSize: 2 * WireLimits.maxFrameBytes).makeAsyncIterator()
        guard let first = try await messages.next() else { return }
        // Admitted in a task of its own: the stack that takes (decoding the hello, the store, the
        // room's join) goes when it ends, instead of staying with an idle connection for its life.
        let admission = try await withThrowingTaskGroup(of: Admission?.self) { group in
            group.addTask { try await self.admit(first, path: path, outbound: outbound) }
            return try await group.next() ?? nil
        }
        guard let admission else { return }
        defer { Task { await registry.release(admission.hello.document, admission.room) } }
        try await live(admission, messages: &messages, outbound: outbound)
    }

    /// Checks the connection's first message, a hello, and joins its room; nil when it was refused
    /// (the refusal written, the room let go).
    private func admit(_ first: WebSocketMessage, path: String, outbound: WebSocketOutboundWriter) async throws -> Admission? {
        func refuse(_ error: WireError) async throws -> Admission? {
            logger.notice("closing a connection", metadata: ["path": "\(path)", "code": "\(error.code)", "reason": "\(error.message)"])
            metrics.rejected(error.code)
            try await write(.error(error, fatal: true), to: outbound)
            return nil
        }

        // The first message must be a hello for the document the path names. A bad name is
        // refused in answer to that first message, not at once: a refusal and close arriving while
        // the client's WebSocket library is still finishing the upgrade may never reach it (WSClient
        // loses them under load).
        let hello: Hello
        let grant: AccessCheck.Grant
        do {
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
            if readOnly, try await !registry.holds(hello.document) {
                // A copy of a document deleted (or renamed) on purpose is told so, not that the
                // relay lost it: giving it back would make it again.
                if hello.epoch != 0, try await registry.retired(hello.epoch, of: hello.document) {
                    return try await refuse(ReplicaAdmission.retired(hello.document))
                }
                return try await refuse(ReplicaAdmission.noDocument(hello.document))
            }
            room = try await registry.acquire(hello.document)
        } catch {
            logger.error("could not open a document", metadata: ["document": "\(hello.document)", "error": "\(error)"])
            return try await refuse(WireError(.unavailable, "the relay cannot open this document now; try again later"))
        }
        var refusal = await room.admit(hello.replica, key: hello.replicaKey, epoch: hello.epoch, readOnly: readOnly)
        if refusal == nil, hello.restoring, !readOnly { refusal = await room.retire(hello.formerReplicas) }
        if refusal == nil, let author = grant.author {
            refusal = await bind(hello.replica, in: hello.document, to: author, keyShown: !hello.replicaKey.isEmpty)
        }
        if let refusal {
            Task { await registry.release(hello.document, room) }
            return try await refuse(refusal)
        }
        let outbox = transport.outbox()
        // The room puts the welcome, the replay of what the client missed and every live message
        // after it in the outbox; nil: the connection was sent away (the outbox says why).
        let welcome = await room.join(id: id, hello: hello, readOnly: readOnly, outbox: outbox)
        return Admission(hello: hello, grant: grant, readOnly: readOnly, room: room, outbox: outbox, welcome: welcome)
    }

    /// The connection's life after its admission: the room's messages written, the client's read.
    private func live(_ admission: Admission, messages: inout WebSocketInboundMessageStream.AsyncIterator,
                      outbound: WebSocketOutboundWriter) async throws {
        let (hello, grant, readOnly, room, outbox, welcome) = (admission.hello, admission.grant, admission.readOnly, admission.room,
                                                              admission.outbox, admission.welcome)
        // The writer sends what the room and the reader put in the outbox. The reader takes the
        // client's batches from the welcome on, beside the replay: on a link that breaks every few
        // seconds, a client that could only send after a long replay would never get anything
        // through. When the writer is done (the outbox finished, a fatal error sent) it closes the
        // WebSocket, which also ends the reading.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Receipts are made for the epoch of the welcome: a later one asks for this copy
                // back anyway.
                let keepsReceipts = hello.wantsReceipts && !readOnly
                do {
                    writing: while true {
                        let frames = await outbox.take(upTo: hello.takesBundles ? Self.framesPerWrite : 1)
                        if frames.isEmpty { break }
                        var messages: [OutgoingFrame] = []
                        messages.reserveCapacity(frames.count)
                        var closes = false
                        for frame in frames {
                            messages.append(frame)
                            if keepsReceipts, let welcome, let acknowledged = frame.acknowledged {
                                let receipt = receipts.receipt(document: hello.document, epoch: welcome.epoch, replica: hello.replica,
                                                               clientSeq: acknowledged.clientSeq, serverSeq: acknowledged.serverSeq)
                                messages.append(OutgoingFrame(.receipt(receipt)))
                            }
                            if frame.closesConnection {
                                closes = true
                                break
                            }
                        }
                        try await write(messages, bundling: hello.takesBundles, to: outbound)
                        if closes { break writing }
                    }
                } catch {
                    // The client left (or was closed) while messages were on their way: ordinary.
                    logger.debug("a client left before its messages were written", metadata: ["document": "\(hello.document)", "error": "\(error)"])
                }
                outbox.finish()
                try? await outbound.close(outbox.closing.code, reason: outbox.closing.reason)
            }
            if welcome != nil { await read(&messages, room: room, readOnly: readOnly, grant: grant, outbox: outbox) }
            outbox.finish()
            try await group.waitForAll()
        }
        outbox.finish()
        await room.leave(id: id)
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
                try await Self.take(decode(frame), from: id, room: room, readOnly: readOnly, outbox: outbox, metrics: metrics, arrived: arrived,
                                    verifiedUser: grant.author.flatMap { $0.verified ? $0.name : nil })
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

    /// Frames the writer takes from the outbox at most at once, to send in as few WebSocket
    /// messages as fit (`RelayBundle`).
    static let framesPerWrite = 1024

    private func write(_ message: ServerMessage, to outbound: WebSocketOutboundWriter) async throws {
        try await write([OutgoingFrame(message)], bundling: false, to: outbound)
    }

    /// Writes `frames` in order: each as its own WebSocket message, or, for a client that takes
    /// bundles, runs of them as one bundle each (a snapshot always alone).
    private func write(_ frames: [OutgoingFrame], bundling: Bool, to outbound: WebSocketOutboundWriter) async throws {
        // A deferred frame encodes when its bytes are read: read each once.
        let encoded = frames.map(\.bytes)
        guard bundling, frames.count >= RelayBundle.minimumMessages else {
            for bytes in encoded { try await send(bytes, to: outbound) }
            return
        }
        let sizes = zip(frames, encoded).map { frame, bytes in frame.travelsInBundles ? bytes.readableBytes : nil }
        for run in RelayBundle.runs(sizes: sizes) {
            guard run.count >= RelayBundle.minimumMessages else {
                try await send(encoded[run.lowerBound], to: outbound)
                continue
            }
            var bundle = ByteBuffer()
            bundle.reserveCapacity(run.reduce(8) { $0 + encoded[$1].readableBytes + 4 })
            bundle.writeBytes(RelayBundle.header(count: run.count))
            for index in run {
                bundle.writeBytes(RelayBundle.lengthPrefix(encoded[index].readableBytes))
                bundle.writeImmutableBuffer(encoded[index])
            }
            try await send(bundle, to: outbound)
        }
    }

    private func send(_ bytes: ByteBuffer, to outbound: WebSocketOutboundWriter) async throws {
        metrics.bytesSent.increment(by: Int64(bytes.readableBytes))
        try await outbound.write(.binary(bytes))
    }
}
