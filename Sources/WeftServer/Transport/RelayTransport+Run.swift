import Hummingbird
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RelayTransport {
    /// Runs `server` until SIGTERM or SIGINT, then stops in order, within `timeout`:
    ///
    /// 1. stop accepting connections;
    /// 2. close connections that have not sent a request or a hello yet, and idle HTTP ones; the
    ///    WebSockets read no new batches;
    /// 3. wait for the documents to commit what they accepted (their acks are queued);
    /// 4. end every WebSocket with 1012 after what its outbox holds (those acks);
    /// 5. wait for the clients to close, then close whatever is left when `timeout` runs out.
    ///
    /// A second signal exits at once. Throws what `server` throws when it ends by itself.
    func run(_ server: some ApplicationProtocol, rooms: RoomRegistry, timeout: Duration) async throws {
        let (signals, received) = AsyncStream.makeStream(of: String.self)
        let handlers = StopSignals { received.yield($0) }
        defer { handlers.cancel() }
        try await withThrowingTaskGroup(of: RunEnd.self) { group in
            group.addTask {
                do {
                    try await server.run()
                } catch where self.isStopping {
                    // Closing the listener ends the server; Hummingbird reports that as a failure.
                } catch {
                    throw self.plainStartError(error) ?? error
                }
                return .server
            }
            group.addTask {
                for await signal in signals {
                    await self.stop(after: signal, rooms: rooms, timeout: timeout)
                    break
                }
                return .stop
            }
            // The server may end first while stopping (its connections closed); the stop decides.
            // The server ending otherwise, or failing (it could not listen), ends the relay.
            while let ended = try await group.next() {
                if ended == .stop || !isStopping { break }
            }
            group.cancelAll()
            received.finish()
        }
    }

    /// An error from listening in plain words, or nil for any other error.
    private func plainStartError(_ error: any Error) -> RelayStartError? {
        guard let error = error as? IOError else { return nil }
        return switch error.errnoCode {
        case EADDRINUSE: RelayStartError("\(address) is in use: another relay (or another program) listens there; stop it or choose another --listen")
        case EACCES: RelayStartError("not allowed to listen on \(address) (ports below 1024 need privileges); choose another --listen")
        case EADDRNOTAVAIL: RelayStartError("this machine has no address \(address) to listen on; check --listen")
        default: nil
        }
    }

    private func stop(after signal: String, rooms: RoomRegistry, timeout: Duration) async {
        beginStopping()
        let deadline = ContinuousClock.now + timeout
        let open = connections.count
        logger.notice("\(signal): stopping, \(open) \(open == 1 ? "connection" : "connections") open (a second signal stops at once)")
        await stopListening()
        connections.quiesce()
        if await !Self.finishes(by: deadline, { await rooms.waitUntilIdle() }) {
            logger.warning("stopping with batches still being committed (--shutdown-timeout passed); their clients send them again")
        }
        connections.closeSessions(code: WebSocketGuard.restarting, reason: ConnectionTransport.stoppingReason)
        while connections.count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = connections.closeAll()
        if left > 0 { logger.notice("closed \(left) \(left == 1 ? "connection" : "connections") that did not close within --shutdown-timeout") }
    }

    /// Whether `work` finishes by `deadline`; it goes on regardless (nothing waits for it after).
    private static func finishes(by deadline: ContinuousClock.Instant, _ work: @escaping @Sendable () async -> Void) async -> Bool {
        let (outcome, report) = AsyncStream.makeStream(of: Bool.self)
        Task {
            await work()
            report.yield(true)
        }
        let timer = Task {
            try? await Task.sleep(until: deadline)
            report.yield(false)
        }
        var first = outcome.makeAsyncIterator()
        let finished = await first.next() ?? false
        timer.cancel()
        report.finish()
        return finished
    }
}

/// Which of `RelayTransport.run`'s two tasks ended.
private enum RunEnd { case server, stop }
