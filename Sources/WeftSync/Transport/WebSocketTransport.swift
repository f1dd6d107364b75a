import Foundation
import Logging
import NIOCore
import NIOSSL
import WSClient
import WeftWire

/// The real transport: one WebSocket connection (ws or wss) per run, binary frames of the wire
/// codec, pings every `SessionOptions.pingInterval`, and sends paced to
/// `SessionOptions.maxMessagesPerSecond` so a long offline queue is not refused by the relay's limit.
public struct WebSocketTransport: SyncTransport {
    public init() {}

    public func run(
        to address: DocumentAddress, options: SessionOptions, outgoing: AsyncStream<ClientMessage>,
        connected: @escaping @Sendable () async -> Void, received: @escaping @Sendable (ServerMessage) async -> Void
    ) async throws {
        let tls = try TLSConfiguration.relayClient(caFile: options.caFile)
        var logger = Logger(label: "weft.sync")
        logger.logLevel = .critical
        let closing = try await WebSocketClient.connect(
            url: address.url,
            configuration: .init(maxFrameSize: WireLimits.maxSnapshotMessageBytes, autoPing: .enabled(timePeriod: options.pingInterval)),
            tlsConfiguration: tls, logger: logger
        ) { inbound, outbound, _ in
            await connected()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var limiter = RateLimiter(rate: options.maxMessagesPerSecond, burst: 2 * options.maxMessagesPerSecond, now: .now)
                    for await message in outgoing {
                        while !limiter.admit(now: .now) {
                            try? await Task.sleep(for: limiter.wait(now: .now))
                            if Task.isCancelled { return }
                        }
                        try await outbound.write(.binary(ByteBuffer(bytes: message.encoded())))
                    }
                    try? await outbound.close(.normalClosure, reason: nil)
                }
                for try await frame in inbound.messages(maxSize: WireLimits.maxSnapshotMessageBytes) {
                    guard case .binary(var buffer) = frame else { continue }
                    let messages: [ServerMessage]
                    do {
                        messages = try ServerMessage.messages(decoding: buffer.readBytes(length: buffer.readableBytes) ?? [])
                    } catch {
                        group.cancelAll()
                        throw SyncError(.refused, "the relay sent an undecodable message (\(error))")
                    }
                    for message in messages { await received(message) }
                }
                // The relay closed: what is still to send cannot go on this connection, and a write
                // cut short by that is no failure of the connection's.
                group.cancelAll()
                try? await group.waitForAll()
            }
        }
        // No closing handshake: the relay did not close the connection itself (it stopped, or
        // stopped answering, and the pings gave up on it).
        if closing == nil { throw SyncError(.timeout, Self.endedWithoutClose) }
    }

    /// Why a connection that ended without the relay closing it ended.
    public static let endedWithoutClose = "the connection to the relay ended without the relay closing it (it stopped, or stopped answering)"
}
