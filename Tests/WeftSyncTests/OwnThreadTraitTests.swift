import Testing
import WeftTestTraits

/// The `.ownThread` trait the blocking suites rely on: their tests really leave the cooperative pool.
@Suite(.ownThread) struct OwnThreadTraitTests {
    @Test func aSynchronousTestRunsOnItsOwnThread() {
        #expect(OwnThreadTrait.currentOwner == "test aSynchronousTestRunsOnItsOwnThread()")
    }

    @Test func anAsynchronousTestComesBackToItsOwnThreadAfterAwaiting() async throws {
        try await Task.sleep(for: .milliseconds(10))
        #expect(OwnThreadTrait.currentOwner == "test anAsynchronousTestComesBackToItsOwnThreadAfterAwaiting()")
    }
}
