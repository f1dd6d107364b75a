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

    /// What the relay sent, handed to whoever waits for it the moment it arrives (no polling).
    private actor Inbox {
        private var events: [Event] = []
        private var waiters: [(id: UInt64, continuation: CheckedContinuation<Event?, Never>)] = []
        private var nextWaiter: UInt64 = 0
        private(set) var writer: WebSocketOutboundWriter?
        private var connectWaiters: [CheckedContinuation<Void, Never>] = []
        private(set) var closed = false
        /// Why the connection could not be made or ended with an error, for the failure message.
        private(set) var failure: String?

        func fail(_ error: any Error) { failure = "\(error)" }

        func add(_ event: Event) {
            if case .closed = event {
                closed = true
                wakeConnectWaiters()
            }
            if waiters.isEmpty { events.append(event) } else { waiters.removeFirst().continuation.resume(returning: event) }
        }

        func setWriter(_ writer: WebSocketOutboundWriter) {
            self.writer = writer
            wakeConnectWaiters()
        }

        /// The next event, or nil after `timeout`.
        func take(timeout: Duration) async -> Event? {
            if !events.isEmpty { return events.removeFirst() }
            nextWaiter += 1
            let id = nextWaiter
            let timer = Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
            defer { timer.cancel() }
            return await withCheckedContinuation { waiters.append((id, $0)) }
        }

        private func expire(_ id: UInt64) {
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
            waiters.remove(at: index).continuation.resume(returning: nil)
        }

        /// Waits until the connection is open or closed, or `timeout` passed.
        func waitUntilConnected(timeout: Duration) async {
            guard writer == nil, !closed else { return }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                self.wakeConnectWaiters()
            }
            defer { timer.cancel() }
            await withCheckedContinuation { connectWaiters.append($0) }
        }

        private func wakeConnectWaiters() {
            let waiting = connectWaiters
            connectWaiters = []
            waiting.forEach { $0.resume() }
        }
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
            } catch {
                await inbox.fail(error)
            }
            await inbox.add(.closed)
        }
        // Generous: CPU-bound tests running beside this one can hold every cooperative thread
        // (and the event loops the client shares with in-process relays) for over a minute on a
        // loaded two-core machine; a relay that is not there is seen at once (the close below).
        await inbox.waitUntilConnected(timeout: .seconds(180))
        guard await inbox.writer != nil else {
            if await inbox.closed {
                let reason = await inbox.failure.map { " (\($0))" } ?? ""
                throw WireError(.unavailable, "the relay closed the connection at once\(reason)")
            }
            throw WireError(.unavailable, "could not connect to the relay on port \(port)")
        }
    }

    func send(_ message: ClientMessage) async throws {
        try await sendRaw(.binary(ByteBuffer(bytes: message.encoded())))
    }

    func sendRaw(_ frame: WebSocketOutboundWriter.OutboundFrame) async throws {
        guard let writer = await inbox.writer else { throw WireError(.unavailable, "the connection is not open") }
        try await writer.write(frame)
    }

    /// The next event, or nil after `timeout`.
    func next(timeout: Duration = .seconds(30)) async -> Event? {
        await inbox.take(timeout: timeout)
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
