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
