import Foundation
import Testing

/// Runs each test of a suite on a thread of its own (`OwnThreadExecutor`). For tests that block
/// while they wait (for `weft` processes, for tmux to draw): Swift Testing runs synchronous test
/// functions on the cooperative pool, two threads on CI, and two such tests there starve every
/// asynchronous test running beside them (WebSocket clients then miss their timeouts).
public struct OwnThreadTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        guard testCase != nil else { return try await function() }
        let executor = OwnThreadExecutor(name: "test \(test.name)")
        defer { executor.shutdown() }
        try await withTaskExecutorPreference(executor) { try await function() }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Each test runs on a thread of its own, off the cooperative pool.
    public static var ownThread: Self { OwnThreadTrait() }
}

extension OwnThreadTrait {
    /// The test whose own thread this is, or nil on any other thread (the cooperative pool's).
    public static var currentOwner: String? { Thread.current.threadDictionary[OwnThreadExecutor.marker] as? String }
}

