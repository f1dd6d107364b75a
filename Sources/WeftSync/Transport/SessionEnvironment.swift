/// What a `DocumentSession` runs on besides its files: how it reaches the relay, the time it
/// reads and sleeps on, and the jitter of its backoff. `.live` everywhere but in tests, which pass
/// an in-memory transport, a manual clock and seeded jitter to run a session without a network
/// and without waiting.
public struct SessionEnvironment: Sendable {
    /// How the session reaches the relay.
    public var transport: any SyncTransport
    /// What its backoff, connect deadline and settle timeout are measured on.
    public var clock: SessionClock
    /// Where the backoff's jitter comes from.
    public var jitter: JitterSource

    /// An environment of the given parts (tests); `.live` otherwise.
    public init(transport: any SyncTransport, clock: SessionClock, jitter: JitterSource) {
        self.transport = transport
        self.clock = clock
        self.jitter = jitter
    }

    /// WebSocket, the continuous clock and random jitter.
    public static var live: SessionEnvironment {
        SessionEnvironment(transport: WebSocketTransport(), clock: .continuous, jitter: .random)
    }
}
