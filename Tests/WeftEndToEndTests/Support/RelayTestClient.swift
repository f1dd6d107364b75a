import Foundation
import Logging
import NIOCore
import NIOSSL
import WSClient
import WeftCRDT
import WeftWire

/// A WebSocket client that speaks the protocol through `WeftWire`, for tests: send messages or
/// raw frames, and receive what the relay sends, with timeouts.
final class RelayTestClient: Sendable {
    enum Event: Sendable {
        case message(ServerMessage)
        case undecodable([UInt8])
        /// A binary message as received, on a client made with `decoding: false`.
        case frame([UInt8])
        case closed
    }

    private actor Inbox {
        var events: [Event] = []
        var writer: WebSocketOutboundWriter?
        func add(_ event: Event) { events.append(event) }
        func take() -> Event? { events.isEmpty ? nil : events.removeFirst() }
        func setWriter(_ writer: WebSocketOutboundWriter) { self.writer = writer }
    }

    private let inbox = Inbox()
    private let task: Task<Void, Never>

    /// Connects to `ws://127.0.0.1:PORT/PATH`, or `wss://` with `tls`. Without `decoding`, binary
    /// messages arrive as they are (`.frame`), for tests that compare bytes.
    init(port: Int, path: String, tls: TLSConfiguration? = nil, decoding: Bool = true) async throws {
        let inbox = self.inbox
        task = Task {
            do {
                _ = try await WebSocketClient.connect(
                    url: "\(tls == nil ? "ws" : "wss")://127.0.0.1:\(port)/\(path)",
                    // SNI cannot be an IP address, so TLS tests name the loopback host "localhost".
                    configuration: .init(maxFrameSize: 4 << 20, sniHostname: tls == nil ? nil : "localhost"),
                    tlsConfiguration: tls,
                    logger: Logger(label: "weft.test-client")
                ) { inbound, outbound, _ in
                    await inbox.setWriter(outbound)
                    for try await frame in inbound.messages(maxSize: 4 << 20) {
                        guard case .binary(var buffer) = frame else { continue }
                        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
                        if !decoding {
                            await inbox.add(.frame(bytes))
                        } else if let message = try? ServerMessage(decoding: bytes) {
                            await inbox.add(.message(message))
                        } else {
                            await inbox.add(.undecodable(bytes))
                        }
                    }
                }
            } catch {}
            await inbox.add(.closed)
        }
        // Generous: CPU-bound tests running beside this one can hold every cooperative thread
        // (and the event loops the client shares with in-process relays) for over a minute on a
        // loaded two-core machine; a relay that is not there is seen at once (the close below).
        let deadline = ContinuousClock.now + .seconds(180)
        while await inbox.writer == nil {
            guard ContinuousClock.now < deadline else { throw WireError(.unavailable, "could not connect to the relay on port \(port)") }
            if case .closed? = await inbox.events.last { throw WireError(.unavailable, "the relay closed the connection at once") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func send(_ message: ClientMessage) async throws {
        try await sendRaw(.binary(ByteBuffer(bytes: message.encoded())))
    }

    func sendRaw(_ frame: WebSocketOutboundWriter.OutboundFrame) async throws {
        try await inbox.writer!.write(frame)
    }

    /// The next event, or nil after `timeout`.
    func next(timeout: Duration = .seconds(30)) async -> Event? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let event = await inbox.take() { return event }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    /// The next decoded message; nil on close or timeout.
    func receive(timeout: Duration = .seconds(30)) async -> ServerMessage? {
        if case .message(let message)? = await next(timeout: timeout) { return message }
        return nil
    }

    /// Whether the connection ends (after any messages, which are skipped) within `timeout`.
    func closes(within timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if case .closed? = await next(timeout: deadline - ContinuousClock.now) { return true }
        }
        return false
    }

    func close() async {
        try? await inbox.writer?.close(.normalClosure, reason: nil)
        task.cancel()
    }

    deinit { task.cancel() }
}
