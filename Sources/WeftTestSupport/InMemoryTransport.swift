import Foundation
import WeftSync
import WeftWire

/// A transport without a network: each connection a `DocumentSession` opens arrives on
/// `connections`, where the test plays the relay. Every message crosses as its wire bytes, so what
/// the session sends and reads is what a real relay would.
public final class InMemoryTransport: SyncTransport, @unchecked Sendable {
    /// Each connection attempt, in order.
    public let connections: AsyncStream<InMemoryConnection>
    private let newConnection: AsyncStream<InMemoryConnection>.Continuation

    public init() {
        (connections, newConnection) = AsyncStream.makeStream(of: InMemoryConnection.self)
    }

    public func run(
        to address: DocumentAddress, options: SessionOptions, outgoing: AsyncStream<ClientMessage>,
        connected: @escaping @Sendable () async -> Void, received: @escaping @Sendable (ServerMessage) async -> Void
    ) async throws {
        let connection = InMemoryConnection(address: address)
        newConnection.yield(connection)
        try await connection.run(outgoing: outgoing, connected: connected, received: received)
    }
}

/// One connection of an `InMemoryTransport`, seen from the relay's side.
public final class InMemoryConnection: @unchecked Sendable {
    /// Why an in-memory connection broke (`cut()`).
    public struct Cut: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "the in-memory connection was cut" }
    }

    enum ToClient {
        case accept
        case refuse(any Error)
        case message([UInt8])
        case close
        case cut
    }

    public let address: DocumentAddress
    /// What the client sent, in order; ends when the client closes the connection or it breaks.
    public let messages: AsyncStream<ClientMessage>
    private let fromClient: AsyncStream<ClientMessage>.Continuation
    private let toClient: AsyncStream<ToClient>
    private let toClientContinuation: AsyncStream<ToClient>.Continuation

    init(address: DocumentAddress) {
        self.address = address
        (messages, fromClient) = AsyncStream.makeStream(of: ClientMessage.self)
        (toClient, toClientContinuation) = AsyncStream.makeStream(of: ToClient.self)
    }

    /// Opens the connection: the client may send from now on.
    public func accept() { toClientContinuation.yield(.accept) }
    /// Fails the connection before it opens, with `error`.
    public func refuse(_ error: any Error) { toClientContinuation.yield(.refuse(error)) }
    /// Sends `message` to the client.
    public func send(_ message: ServerMessage) { toClientContinuation.yield(.message(message.encoded())) }
    /// Closes the connection cleanly, as a relay that is done with it.
    public func close() { toClientContinuation.yield(.close) }
    /// Breaks the connection: what is in flight either way is lost.
    public func cut() { toClientContinuation.yield(.cut) }

    func run(
        outgoing: AsyncStream<ClientMessage>, connected: @escaping @Sendable () async -> Void,
        received: @escaping @Sendable (ServerMessage) async -> Void
    ) async throws {
        defer {
            fromClient.finish()
            toClientContinuation.finish()
        }
        var inbound = toClient.makeAsyncIterator()
        switch await inbound.next() {
        case .accept: break
        case .refuse(let error): throw error
        case .cut, .message: throw Cut()
        case .close, nil: return
        }
        await connected()
        try await withThrowingTaskGroup(of: Void.self) { group in
            let fromClient = self.fromClient, toClient = toClientContinuation
            group.addTask {
                for await message in outgoing {
                    fromClient.yield(try ClientMessage(decoding: message.encoded()))
                }
                toClient.yield(.close)  // the client closed: the close handshake ends the connection
            }
            defer { group.cancelAll() }
            while let event = await inbound.next() {
                switch event {
                case .message(let bytes): await received(try ServerMessage(decoding: bytes))
                case .close: return
                case .cut: throw Cut()
                case .accept, .refuse: continue
                }
            }
        }
    }
}
