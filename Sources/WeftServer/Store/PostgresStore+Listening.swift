import Logging
import NIOCore
import PostgresNIO
import WeftWire

extension PostgresStore {
    /// Runs the connection pool and the notification listener until cancelled.
    /// - Parameters:
    ///   - storeAdvanced: a commit (this relay's or another's) took `document`'s log to `head`.
    ///   - listening: the listener (re)started; notifications before it may have been missed.
    ///   - documentGone: a relay deleted `document`'s incarnation of that epoch, or renamed it
    ///     (to the third argument).
    public func run(storeAdvanced: @escaping @Sendable (DocumentName, UInt64) async -> Void,
                    listening: @escaping @Sendable () async -> Void,
                    documentGone: @escaping @Sendable (DocumentName, UInt64, DocumentName?) async -> Void = { _, _, _ in }) async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.listen(storeAdvanced: storeAdvanced, listening: listening, documentGone: documentGone) }
        }
    }

    /// Runs the connection pool alone (a command that only queries), until cancelled.
    public func runPool() async {
        await client.run()
    }

    /// LISTENs on its own connection (a pooled one would be handed to queries), and comes back
    /// after any failure, quickly at first and then every two seconds.
    private func listen(storeAdvanced: @escaping @Sendable (DocumentName, UInt64) async -> Void,
                        listening: @escaping @Sendable () async -> Void,
                        documentGone: @escaping @Sendable (DocumentName, UInt64, DocumentName?) async -> Void) async {
        var delay = Duration.milliseconds(100)
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            var connection: PostgresConnection?
            do {
                let opened = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(), id: attempt, logger: logger)
                connection = opened
                try await opened.listen(on: Self.channel) { notifications in
                    let recovered = listenerProblem.withLock { problem in
                        defer { problem = nil }
                        return problem
                    }
                    if attempt > 1, let recovered { logger.notice("listening for other relays' commits again", metadata: ["after": "\(recovered)"]) }
                    delay = .milliseconds(100)
                    await listening()
                    for try await notification in notifications {
                        switch StoreNotification(payload: notification.payload) {
                        case .advanced(let name, let head): await storeAdvanced(name, head)
                        case .gone(let name, let epoch, let newName): await documentGone(name, epoch, newName)
                        case nil:
                            logger.warning("ignored a notification that is neither HEAD NAME nor gone EPOCH NAME",
                                           metadata: ["payload": "\(notification.payload.prefix(200))"])
                        }
                    }
                }
                listenerProblem.withLock { $0 = "the connection listening for other relays' commits closed" }
            } catch {
                let problem = "not listening for other relays' commits: \(Self.describe(error))"
                let first = listenerProblem.withLock { current in
                    defer { current = problem }
                    return current == nil || attempt == 1
                }
                if first { logger.warning("PostgreSQL notifications are down; retrying", metadata: ["reason": "\(Self.describe(error))"]) }
            }
            try? await connection?.close()
            if Task.isCancelled { break }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }
}
