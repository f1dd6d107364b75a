/// The time a `DocumentSession` reads and sleeps on, for its retry backoff, connect deadline and
/// settle timeout: the continuous clock in use, a manual one in tests (any `Clock` whose durations
/// are `Duration`), so a test can step a minute of backoff without waiting for it.
public struct SessionClock: Sendable {
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// Wraps `clock`; `now` counts from the moment of wrapping.
    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleeper = { try await clock.sleep(for: $0) }
    }

    /// The real, continuous clock.
    public static var continuous: SessionClock { SessionClock(ContinuousClock()) }

    /// Time since this clock was made.
    public var now: Duration { elapsed() }

    /// Sleeps for `duration` of this clock's time.
    /// - Throws: `CancellationError` when the sleeping task is cancelled.
    public func sleep(for duration: Duration) async throws { try await sleeper(duration) }
}
