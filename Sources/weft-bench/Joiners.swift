import Foundation
import WeftCRDT
import WeftTestSupport
import WeftWire

/// Clients that join one document from scratch, read its whole replay to caught-up, leave, and
/// join again, each on a thread of its own (the clients block), until their time is up.
final class Joiners: @unchecked Sendable {
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var joins = 0
    private var failure: (any Error)?

    init(count: Int, port: Int, document: DocumentName, for duration: Duration) {
        let deadline = ContinuousClock.now + duration
        for index in 0..<count {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                var replica = 0x4_0000_0000 + UInt64(index) << 20
                while ContinuousClock.now < deadline {
                    replica += 1
                    do {
                        let socket = try CrowdClient.join(port: port, document: document, replica: ReplicaID(replica))
                        socket.socket.close()
                        lock.withLock { joins += 1 }
                    } catch {
                        lock.withLock { failure = failure ?? error }
                        return
                    }
                }
            }
        }
    }

    /// Waits for every joiner to stop; returns how many joins completed.
    /// - Throws: the first failure of a join.
    func finish() throws -> Int {
        group.wait()
        return try lock.withLock {
            if let failure { throw failure }
            return joins
        }
    }
}
