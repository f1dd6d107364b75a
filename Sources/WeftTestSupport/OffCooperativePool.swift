import Foundation

/// Runs blocking work (waiting for a process, a server's start) on a thread of its own. Swift's
/// cooperative pool has one thread per core, two on CI: tests that block it while waiting for
/// `weft` processes starve every async test running beside them (a WebSocket connect then takes
/// over a minute).
public func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

extension WeftRun {
    /// Runs `weft ARGUMENTS` to the end without holding a cooperative thread meanwhile.
    @discardableResult
    public func run(_ arguments: [String], input: String = "") async throws -> Result {
        try await offCooperativePool { try self(arguments, input: input) }
    }
}
