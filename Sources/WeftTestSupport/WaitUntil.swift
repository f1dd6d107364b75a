/// Waits until `condition` holds, checking every millisecond: the one way tests wait for
/// something another task or process does, instead of sleeping for a guess.
/// - Throws: `WaitTimedOut` naming `what` when `timeout` of real time passes first.
public func waitUntil(_ what: @autoclosure () -> String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimedOut(what: what(), after: timeout) }
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// A test waited for a condition that never held.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public let what: String
    public let after: Duration
    public var description: String { "waited \(after) for \(what), in vain" }
}
