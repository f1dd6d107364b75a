import Foundation
import WeftSync
import WeftWire

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
        /// The relay closed the connection, or the client did (its messages ended).
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
    public func cut() {
        fromClient.finish()
        toClientContinuation.yield(.cut)
    }

    func run(
        outgoing: AsyncStream<ClientMessage>, connected: @escaping @Sendable () async -> Void,
        received: @escaping @Sendable (ServerMessage) async -> Void
    ) async throws {
        defer {
            fromClient.finish()
            toClientContinuation.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            let fromClient = self.fromClient, closing = toClientContinuation
            // From the start: a session that gives up before the relay accepts (its deadline)
            // ends its messages, and that must end the connection too. It sends nothing before
            // `connected`.
            group.addTask {
                for await message in outgoing {
                    fromClient.yield(try ClientMessage(decoding: message.encoded()))
                }
                closing.yield(.close)  // the client closed: the close handshake ends the connection
            }
            defer { group.cancelAll() }
            var inbound = self.toClient.makeAsyncIterator()
            switch await inbound.next() {
            case .accept: break
            case .refuse(let error): throw error
            case .cut, .message: throw Cut()
            case .close, nil: return
            }
            await connected()
            while let event = await inbound.next() {
                switch event {
                case .message(let bytes): for message in try ServerMessage.messages(decoding: bytes) { await received(message) }
                case .close: return
                case .cut: throw Cut()
                case .accept, .refuse: continue
                }
            }
        }
    }
}
